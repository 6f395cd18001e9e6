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
from .ragged_spec import RaggedTensorSpec  # noqa: F401
from .ragged_tensor import RaggedTensor  # noqa: F401
from .row_partition import (RowPartition, row_splits_to_segment_ids,  # noqa: F401
                            segment_ids_to_row_splits)

_dispatch.install()


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """Rows of `data` grouped by partition id: row `p` holds the items with partition p.

    >>> import tapeflow as tf
    >>> tf.ragged.stack_dynamic_partitions([10, 20, 30], [1, 0, 1], 2).to_list()
    [[20], [10, 30]]
    """
    import numpy as np
    from ..framework.tensor import Tensor, convert_to_tensor
    from ..ops import gather_ops
    p = np.asarray(convert_to_tensor(partitions).numpy()).reshape(-1)
    order = np.argsort(p, kind="stable")
    counts = np.bincount(p, minlength=int(num_partitions))
    values = gather_ops.gather(convert_to_tensor(data), Tensor(np.asarray(order)))
    return RaggedTensor.from_row_lengths(values, counts.astype(np.int64))


def cross(inputs, name=None):
    """Cartesian cross of string features per row (`tf.ragged.cross`): see tf.sparse.cross."""
    from ..sparse.cross import cross_ragged
    return cross_ragged(inputs, hashed=False)


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    from ..sparse.cross import cross_ragged
    return cross_ragged(inputs, hashed=True, num_buckets=num_buckets, hash_key=hash_key)
