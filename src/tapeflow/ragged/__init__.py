"""`tf.ragged`: RaggedTensor factories and ops over ragged inputs.

Public tapeflow ops (`tf.add`, `tf.reduce_sum`, `tf.concat`, ...) accept
RaggedTensors through `dispatch.py`.

>>> import tapeflow as tf
>>> tf.ragged.constant([[1, 2], [3]]).to_list()
[[1, 2], [3]]
"""
from . import dispatch as _dispatch
from .array_ops import boolean_mask, stack  # noqa: F401
from .elementwise import map_flat_values  # noqa: F401
from .factories import constant, constant_value, range  # noqa: F401
from .grouping import cross, cross_hashed, stack_dynamic_partitions  # noqa: F401
from .ragged_spec import RaggedTensorSpec  # noqa: F401
from .ragged_tensor import RaggedTensor  # noqa: F401
from .row_partition import (RowPartition, row_splits_to_segment_ids,  # noqa: F401
                            segment_ids_to_row_splits)

_dispatch.install()
