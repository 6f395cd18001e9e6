"""`tf.experimental`: the NumPy API (`tf.experimental.numpy`) RowPartition and DynamicRaggedShape.

>>> import tapeflow as tf
>>> tf.experimental.numpy.ones([2]).dtype
tf.float64
"""
from .. import experimental_numpy as numpy  # noqa: F401
from ..ragged.row_partition import RowPartition  # noqa: F401
from ..ragged.dynamic_ragged_shape import DynamicRaggedShape  # noqa: F401
