"""Reductions over RaggedTensors (`tf.reduce_sum(rt, axis=...)` and friends).

Reducing the innermost ragged dimension segments the flat values by row
(empty rows give the reduction's identity, or NaN for a mean); reducing an
outer dimension groups values by their position in the remaining dimensions;
axes inside the flat values reduce them directly.

>>> import tapeflow as tf
>>> rt = tf.ragged.constant([[3., 1., 4.], [], [1., 5.]])
>>> tf.reduce_sum(rt, axis=1).numpy(), tf.reduce_sum(rt, axis=0).numpy()
(array([8., 0., 6.], dtype=float32), array([4., 6., 4.], dtype=float32))
"""
import jax.numpy as jnp
import numpy as np

from .. import _core as tf
from ..framework.tensor import Tensor
from . import bucketing
from .ragged_tensor import RaggedTensor
from .row_partition import concrete
from ..ops import array_ops, gather_ops, logic_ops as L, math_ops, reduction_ops, segment_ops
from ..framework.errors import invalid_argument
from .array_ops import expand_dims

__all__ = ["REDUCTIONS", "reduce"]

REDUCTIONS = frozenset(("reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                        "reduce_prod", "reduce_any", "reduce_all", "reduce_variance",
                        "reduce_std", "reduce_euclidean_norm", "reduce_logsumexp"))


def _ops():
    return math_ops, reduction_ops, segment_ops


def _segment(name, data, ids, n):
    """Segment reduction `name` of `data` rows by `ids` (jax ints) into `n` segments."""
    M, R, S = _ops()
    ids = Tensor(ids)
    if name == "reduce_sum":
        return S.unsorted_segment_sum(data, ids, n)
    if name == "reduce_prod":
        return S.unsorted_segment_prod(data, ids, n)
    if name == "reduce_max":
        return S.unsorted_segment_max(data, ids, n)
    if name == "reduce_min":
        return S.unsorted_segment_min(data, ids, n)
    if name in ("reduce_any", "reduce_all"):  # counts of True (or False) per row
        flags = data if name == "reduce_any" else L.logical_not(data)
        count = S.unsorted_segment_sum(M.cast(flags, "int32"), ids, n)
        return L.greater(count, 0) if name == "reduce_any" else L.equal(count, 0)
    if name == "reduce_mean":
        count = S.unsorted_segment_sum(array_ops.ones_like(data), ids, n)
        return M.divide(S.unsorted_segment_sum(data, ids, n), count)
    if name in ("reduce_variance", "reduce_std"):
        mean = _segment("reduce_mean", data, ids._value, n)
        dev = M.square(M.subtract(data, gather_ops.gather(mean, ids)))
        var = _segment("reduce_mean", dev, ids._value, n)
        return var if name == "reduce_variance" else M.sqrt(var)
    if name == "reduce_euclidean_norm":
        return M.sqrt(S.unsorted_segment_sum(M.square(data), ids, n))
    if name == "reduce_logsumexp":
        top = S.unsorted_segment_max(data, ids, n)
        shifted = M.exp(M.subtract(data, gather_ops.gather(top, ids)))
        return M.add(M.log(S.unsorted_segment_sum(shifted, ids, n)), top)
    raise ValueError(f"Unsupported ragged reduction {name}")


def reduce(name, fn, rt, axis=None, keepdims=False, args=(), kwargs=None):
    """`name` reduction of `rt` over `axis` (None, int or list of ints)."""
    kwargs = dict(kwargs or {})
    rank = rt.shape.rank
    if axis is None:
        return fn(rt.flat_values, None, keepdims, *args, **kwargs) if not keepdims else \
            fn(rt.to_tensor(), None, True, *args, **kwargs)
    axes = [axis] if isinstance(axis, (int, np.integer)) else [int(a) for a in np.asarray(
        axis.numpy() if hasattr(axis, "numpy") else axis).reshape(-1)]
    axes = sorted({a % rank if -rank <= a < rank else _bad_axis(a, rank) for a in axes},
                  reverse=True)
    result = rt
    for a in axes:
        result = _reduce_axis(name, fn, result, a, args, kwargs)
    if keepdims:
        for a in sorted(axes):
            result = array_ops.expand_dims(result, a) if not isinstance(
                result, RaggedTensor) else _expand_ragged(result, a)
    return result


def _bad_axis(a, rank):
    raise invalid_argument(f"Invalid reduction dimension {a} for input with {rank} "
                           f"dimensions", "RaggedReduce")


def _expand_ragged(rt, axis):
    return expand_dims(rt, axis)


def _reduce_axis(name, fn, rt, axis, args, kwargs):
    if not isinstance(rt, RaggedTensor):
        return fn(rt, axis, False, *args, **kwargs)
    rr = rt.ragged_rank
    if axis > rr:  # inside the flat values
        return rt.with_flat_values(fn(rt.flat_values, axis - rr, False, *args, **kwargs))
    if axis == rr and rr == 1 and bucketing.length_bound(rt.row_splits) is not None and \
            bucketing.is_traced(rt.row_splits):
        return _bounded_rows(name, fn, rt, args, kwargs)
    if axis == rr:  # innermost ragged dimension: segment by row
        inner = _innermost(rt)
        n = inner.shape[0]
        vals = _segment(name, inner.values, inner.value_rowids()._value, n)
        if rr == 1:
            return vals
        return _replace_innermost(rt, vals)
    return _reduce_outer(name, rt, axis)


def _identity(name, dtype):
    """The value a padded cell takes so that reduction `name` ignores it."""
    if name == "reduce_logsumexp":
        return -np.inf
    if name in ("reduce_max", "reduce_min"):  # an empty row gives the type's lowest/highest
        np_dtype = dtype.as_numpy_dtype
        info = np.finfo(np_dtype) if dtype.is_floating else np.iinfo(np_dtype)
        return info.min if name == "reduce_max" else info.max
    if name in ("reduce_prod", "reduce_all"):
        return 1
    return 0


def _bounded_rows(name, fn, rt, args, kwargs):
    """Reduces the rows of a ragged-rank-1 `rt` whose splits are traced (a compiled Keras
    step's bucketed batch, bucketing.py): on `to_tensor()`'s static [rows, bucket, ...]
    form, the padded cells filled with the reduction's identity."""
    dense = rt.to_tensor()
    shape = dense.shape.as_list()
    steps = tf.constant(np.arange(shape[1]))
    keep = tf.less(steps, tf.cast(rt.row_lengths(), steps.dtype)[:, None])
    keep = tf.broadcast_to(tf.reshape(keep, shape[:2] + [1] * (len(shape) - 2)), shape)

    def filled(value):
        return tf.where(keep, dense, tf.fill(shape, tf.cast(value, dense.dtype)))
    if name not in ("reduce_mean", "reduce_variance", "reduce_std", "reduce_euclidean_norm"):
        return fn(filled(_identity(name, dense.dtype)), 1, False, *args, **kwargs)
    count = tf.reduce_sum(tf.cast(keep, dense.dtype), axis=1)
    if name == "reduce_euclidean_norm":
        return tf.sqrt(tf.reduce_sum(tf.square(filled(0)), axis=1))
    mean = tf.reduce_sum(filled(0), axis=1) / count
    if name == "reduce_mean":
        return mean
    dev = tf.where(keep, tf.square(dense - mean[:, None]), tf.zeros_like(dense))
    var = tf.reduce_sum(dev, axis=1) / count
    return var if name == "reduce_variance" else tf.sqrt(var)


def _innermost(rt):
    while isinstance(rt.values, RaggedTensor):
        rt = rt.values
    return rt


def _replace_innermost(rt, new_values):
    if isinstance(rt.values.values, RaggedTensor):
        return rt.with_values(_replace_innermost(rt.values, new_values))
    return rt.with_values(new_values)


def _multi_index(rt):
    """[nflat, ragged_rank + 1] coordinates (row, col, ...) of every flat value."""
    cur = np.arange(rt.flat_values.shape[0])[:, None]
    for splits in reversed(rt.nested_row_splits):
        s = concrete(splits, "ragged reduction")
        ids = np.repeat(np.arange(len(s) - 1), np.diff(s))
        cols = np.arange(s[-1]) - s[:-1][ids]
        cur = np.concatenate([ids[cur[:, :1]], cols[cur[:, :1]], cur[:, 1:]], 1)
    return cur


def _reduce_outer(name, rt, axis):
    """Reduces ragged dimension `axis` < ragged_rank (or the rows, axis 0)."""
    idx = _multi_index(rt)
    keys = np.delete(idx, axis, axis=1)
    nrows = rt.shape[0]
    if len(keys):
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    else:
        uniq, inverse = np.zeros((0, keys.shape[1]), np.int64), np.zeros(0, np.int64)
    vals = _segment(name, rt.flat_values, jnp.asarray(inverse.reshape(-1)), len(uniq))
    if keys.shape[1] == 1:  # result is dense along the one remaining dimension
        return vals
    if axis == 0:
        lengths = np.diff(concrete(rt.row_splits, "ragged reduction"))
        first_len = int(lengths.max()) if lengths.size else 0
    else:
        first_len = nrows
    levels = [np.bincount(np.unique(uniq[:, :2], axis=0)[:, 0], minlength=first_len)]
    for level in range(1, keys.shape[1] - 1):
        parents = {tuple(p): i for i, p in enumerate(np.unique(uniq[:, :level + 1], axis=0))}
        children = np.unique(uniq[:, :level + 2], axis=0)
        owner = [parents[tuple(c[:level + 1])] for c in children]
        levels.append(np.bincount(np.asarray(owner, np.int64), minlength=len(parents)))
    sd = rt.row_splits_dtype._np
    result = vals
    for counts in reversed(levels):
        splits = np.concatenate([[0], np.cumsum(counts)]).astype(sd)
        result = RaggedTensor(result, Tensor(np.asarray(splits)), internal=True)
    return result
