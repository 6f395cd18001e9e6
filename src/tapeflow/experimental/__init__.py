"""`tf.experimental`: the NumPy API (`tf.experimental.numpy`) and RowPartition.

>>> import tapeflow as tf
>>> tf.experimental.numpy.ones([2]).dtype
tf.float64
"""
from .. import experimental_numpy as numpy  # noqa: F401
from ..ragged.row_partition import RowPartition  # noqa: F401
