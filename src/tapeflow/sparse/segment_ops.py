"""Sparse segment reductions: `tf.sparse.segment_sum`, `segment_mean`, `segment_sqrt_n`.

Row `i` of the result reduces `data[indices[k]]` over the k with
`segment_ids[k] == i` (sorted ids). Built from `tf.gather` and
`tf.math.unsorted_segment_sum`, so gradients reach `data`.

>>> import tapeflow as tf
>>> c = tf.constant([[1, 2, 3, 4], [-1, -2, -3, -4], [5, 6, 7, 8]])
>>> tf.sparse.segment_sum(c, tf.constant([0, 1]), tf.constant([0, 0])).numpy().tolist()
[[0, 0, 0, 0]]
"""
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .sparse_tensor import is_concrete
from ..ops import gather_ops, math_ops, segment_ops

__all__ = ["segment_sum", "segment_mean", "segment_sqrt_n"]


def _known(t, what, op):
    if not is_concrete(t):
        raise TypeError(f"{op}: {what} must be known (they fix the output shape); they are "
                        "symbolic here")
    return np.asarray(t._value).reshape(-1)


def _prepare(data, indices, segment_ids, num_segments, op):
    """(gathered rows, segment ids Tensor, number of segments, counts per segment)."""
    data = convert_to_tensor(data)
    indices = convert_to_tensor(indices)
    ids_t = convert_to_tensor(segment_ids)
    idx, ids = _known(indices, "indices", op), _known(ids_t, "segment_ids", op)
    if idx.shape != ids.shape:
        raise invalid_argument(f"segment_ids and indices should have same size; Received: "
                               f"indices with {idx.size} entries, segment_ids with "
                               f"{ids.size}", op)
    nrows = data.shape[0]
    bad = np.nonzero((idx < 0) | (idx >= nrows))[0]
    if bad.size:
        raise invalid_argument(f"Bad: indices[{bad[0]}] == {idx[bad[0]]} out of range "
                               f"[0, {nrows})", op)
    if ids.size and (np.any(np.diff(ids) < 0) or ids[0] < 0):
        raise invalid_argument(f"segment ids are not increasing; Received: segment_ids="
                               f"{ids.tolist()}", op)
    if num_segments is None:
        n = int(ids[-1]) + 1 if ids.size else 0
    else:
        n = int(np.asarray(convert_to_tensor(num_segments).numpy()))
        if ids.size and ids[-1] >= n:
            raise invalid_argument(f"segment ids must be < num_segments={n}; Received: "
                                   f"segment_ids={ids.tolist()}", op)
    rows = gather_ops.gather(data, indices)
    counts = np.bincount(ids.astype(np.int64), minlength=n)[:n]
    return rows, Tensor(ids.astype(np.int64)), n, counts


def _scaled(data, indices, segment_ids, num_segments, op, scale):
    if not convert_to_tensor(data).dtype.is_floating:
        raise invalid_argument(f"{op} needs floating-point data; Received: data with dtype "
                               f"{convert_to_tensor(data).dtype.name}", op)
    rows, ids, n, counts = _prepare(data, indices, segment_ids, num_segments, op)
    total = segment_ops.unsorted_segment_sum(rows, ids, n)
    factor = scale(np.maximum(counts, 1).astype(np.float64))
    factor = factor.reshape((n,) + (1,) * (total.ndim - 1)).astype(total.dtype.as_numpy_dtype)
    return math_ops.multiply(total, Tensor(factor))


def segment_sum(data, indices, segment_ids, num_segments=None, name=None,
                sparse_gradient=False):
    """Sums of `data[indices]` rows per (sorted) segment id; missing segments are 0."""
    rows, ids, n, _ = _prepare(data, indices, segment_ids, num_segments, "SparseSegmentSum")
    return segment_ops.unsorted_segment_sum(rows, ids, n)


def segment_mean(data, indices, segment_ids, num_segments=None, name=None,
                 sparse_gradient=False):
    """Means of `data[indices]` rows per segment (floating data; empty segments 0).

    >>> import tapeflow as tf
    >>> c = tf.constant([[1., 2.], [3., 4.]])
    >>> tf.sparse.segment_mean(c, [0, 1], [0, 0]).numpy().tolist()
    [[2.0, 3.0]]
    """
    return _scaled(data, indices, segment_ids, num_segments, "SparseSegmentMean",
                   lambda c: 1.0 / c)


def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None,
                   sparse_gradient=False):
    """Sums of `data[indices]` rows per segment divided by sqrt(segment size)."""
    return _scaled(data, indices, segment_ids, num_segments, "SparseSegmentSqrtN",
                   lambda c: 1.0 / np.sqrt(c))
