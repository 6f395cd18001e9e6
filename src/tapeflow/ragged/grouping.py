"""`tf.ragged` ops that build rows by grouping: `stack_dynamic_partitions`, `cross`,
`cross_hashed` (the crosses are shared with `tf.sparse.cross`, sparse/cross.py).

>>> import tapeflow as tf
>>> tf.ragged.cross([tf.ragged.constant([["a"], ["b", "c"]])]).to_list()
[[b'a'], [b'b', b'c']]
"""
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor
from ..ops import gather_ops
from ..sparse.cross import cross_ragged
from .ragged_tensor import RaggedTensor

__all__ = ["stack_dynamic_partitions", "cross", "cross_hashed"]


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """Rows of `data` grouped by partition id: row `p` holds the items with partition p.

    >>> import tapeflow as tf
    >>> tf.ragged.stack_dynamic_partitions([10, 20, 30], [1, 0, 1], 2).to_list()
    [[20], [10, 30]]
    """
    p = np.asarray(convert_to_tensor(partitions).numpy()).reshape(-1)
    order = np.argsort(p, kind="stable")
    counts = np.bincount(p, minlength=int(num_partitions))
    values = gather_ops.gather(convert_to_tensor(data), Tensor(np.asarray(order)))
    return RaggedTensor.from_row_lengths(values, counts.astype(np.int64))


def cross(inputs, name=None):
    """Cartesian cross of string features per row (`tf.ragged.cross`): see tf.sparse.cross."""
    return cross_ragged(inputs, hashed=False)


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """Hashed cross of features per row (`tf.ragged.cross_hashed`): see tf.sparse.cross_hashed."""
    return cross_ragged(inputs, hashed=True, num_buckets=num_buckets, hash_key=hash_key)
