"""`tf.ragged`: RaggedTensor factories and ops over ragged inputs.

>>> import tapeflow as tf
>>> tf.ragged.constant([[1, 2], [3]]).to_list()
[[1, 2], [3]]
"""
from .factories import constant, constant_value, range  # noqa: F401
from .ragged_spec import RaggedTensorSpec  # noqa: F401
from .ragged_tensor import RaggedTensor  # noqa: F401
from .row_partition import (RowPartition, row_splits_to_segment_ids,  # noqa: F401
                            segment_ids_to_row_splits)


def _ensure_public():
    return [n for n in globals() if not n.startswith("_")]
