"""Segment reductions, bincount and confusion_matrix (`tf.math.segment_sum`, ...).

Gradients are in segment_grad.py. Output sizes depend on the ids, so these ops
need concrete (eager) ids.

>>> import tapeflow as tf
>>> tf.math.segment_sum(tf.constant([1., 2., 3.]), tf.constant([0, 0, 1])).numpy()
array([3., 3.], dtype=float32)
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from . import array_ops as A
from . import math_ops as M
from .dispatch import out, unary, wrap

__all__ = []
MATH_ONLY = ["segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
             "unsorted_segment_sum", "unsorted_segment_prod", "unsorted_segment_mean", "unsorted_segment_max",
             "unsorted_segment_min", "unsorted_segment_sqrt_n", "bincount",
             "confusion_matrix"]


def _concrete(x, what, op_type):
    v = unary(x)._value
    if isinstance(v, jax.core.Tracer):
        raise TypeError(f"{op_type} needs concrete `{what}` (the output size depends on it).")
    return np.asarray(v)


def _ids(data, segment_ids, op_type):
    ids = _concrete(segment_ids, "segment_ids", op_type)
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"segment_ids must be int32 or int64, got {ids.dtype}")
    if tuple(data.shape[:ids.ndim]) != ids.shape:
        raise invalid_argument(f"data.shape = {list(data.shape)} does not start with "
                               f"segment_ids.shape = {list(ids.shape)}", op_type)
    return ids


def _drop_ids(ids, num):
    """Negative ids -> num, which the scatter drops."""
    return jnp.asarray(np.where(ids < 0, num, ids).reshape(-1))


def gather_drop_negatives(params, ids):
    """params[ids] along axis 0, zero rows where ids < 0 (a recorded op)."""
    p = unary(params)
    ids = np.asarray(ids)
    rows = p._value[jnp.asarray(np.clip(ids, 0, None))]
    keep = jnp.asarray((ids >= 0).reshape(ids.shape + (1,) * (p.ndim - 1)))
    return out(jnp.where(keep, rows, jnp.zeros((), rows.dtype)), "GatherDropNegatives",
               (p,), {"ids": ids, "num": p._value.shape[0]})


def _seg(fn, op_type, data, ids, num):
    d = unary(data)
    flat = d._value.reshape((-1,) + d._value.shape[ids.ndim:])
    v = fn(flat, _drop_ids(ids, num), num_segments=num)
    return out(v, op_type, (d,), {"ids": ids, "num": num})


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums rows sharing an id into `num_segments` rows; ids < 0 are dropped."""
    d = unary(data)
    ids = _ids(d, segment_ids, "UnsortedSegmentSum")
    return _seg(jax.ops.segment_sum, "UnsortedSegmentSum", d, ids, int(num_segments))


def _finite_empty(reduce, bound):
    """`reduce` with empty segments of floats set to the dtype's lowest/largest finite
    value (TF's numeric_limits), where jax leaves -inf/+inf."""
    def fn(flat, ids, num_segments):
        v = reduce(flat, ids, num_segments=num_segments)
        if not jnp.issubdtype(v.dtype, jnp.floating):
            return v
        count = jax.ops.segment_sum(jnp.ones(ids.shape, jnp.int32), ids,
                                    num_segments=num_segments)
        fill = getattr(jnp.finfo(v.dtype), bound)
        empty = (count == 0).reshape(count.shape + (1,) * (v.ndim - 1))
        return jnp.where(empty, fill, v)
    return fn


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Max of rows sharing an id; empty segments hold the dtype's lowest value."""
    d = unary(data)
    ids = _ids(d, segment_ids, "UnsortedSegmentMax")
    return _seg(_finite_empty(jax.ops.segment_max, "min"), "UnsortedSegmentMax", d, ids,
                int(num_segments))


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Min of rows sharing an id; empty segments hold the dtype's largest value."""
    d = unary(data)
    ids = _ids(d, segment_ids, "UnsortedSegmentMin")
    return _seg(_finite_empty(jax.ops.segment_min, "max"), "UnsortedSegmentMin", d, ids,
                int(num_segments))


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Product of rows sharing an id; empty segments are 1."""
    d = unary(data)
    ids = _ids(d, segment_ids, "UnsortedSegmentProd")
    return _seg(jax.ops.segment_prod, "UnsortedSegmentProd", d, ids, int(num_segments))


def _counts(ids, num, rank):
    c = np.bincount(ids[ids >= 0].reshape(-1), minlength=num)[:num]
    return c.reshape((num,) + (1,) * (rank - 1))


def _scaled(total, ids, num, fn):
    c = fn(np.maximum(_counts(ids, num, total.ndim), 1)).astype(total.dtype._np)
    return M.multiply(total, wrap(jnp.asarray(c)))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Mean of rows sharing an id; empty segments are 0."""
    s = unsorted_segment_sum(data, segment_ids, num_segments)
    return _scaled(s, _ids(unary(data), segment_ids, "UnsortedSegmentMean"),
                   int(num_segments), lambda c: 1.0 / c)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Sum of rows sharing an id divided by sqrt(count); empty segments are 0."""
    s = unsorted_segment_sum(data, segment_ids, num_segments)
    return _scaled(s, _ids(unary(data), segment_ids, "UnsortedSegmentSqrtN"),
                   int(num_segments), lambda c: 1.0 / np.sqrt(c))


def _sorted_ids(data, segment_ids, op_type):
    d = unary(data)
    ids = _concrete(segment_ids, "segment_ids", op_type)
    if ids.ndim != 1:
        raise invalid_argument(f"segment_ids should be a vector, got shape {list(ids.shape)}",
                               op_type)
    if d.ndim < 1 or ids.shape[0] != d._value.shape[0]:
        raise invalid_argument(f"segment_ids should be the same size as dimension 0 of "
                               f"input. segment_ids shape {list(ids.shape)}, input shape "
                               f"{list(d.shape)}", op_type)
    if ids.size and (np.any(np.diff(ids) < 0) or ids[0] < 0):
        raise invalid_argument("segment ids are not increasing (or are negative)", op_type)
    return d, ids, int(ids[-1]) + 1 if ids.size else 0


def segment_sum(data, segment_ids, name=None):
    """Sums rows with equal (sorted) ids: output has max(id) + 1 rows."""
    d, ids, n = _sorted_ids(data, segment_ids, "SegmentSum")
    return unsorted_segment_sum(d, ids, n)


def segment_mean(data, segment_ids, name=None):
    """Means of rows with equal (sorted) ids; ids that never occur give 0."""
    d, ids, n = _sorted_ids(data, segment_ids, "SegmentMean")
    return unsorted_segment_mean(d, ids, n)


def segment_prod(data, segment_ids, name=None):
    """Products of rows with equal (sorted) ids; ids that never occur give 1."""
    d, ids, n = _sorted_ids(data, segment_ids, "SegmentProd")
    return unsorted_segment_prod(d, ids, n)


def _segment_extreme(fn, data, segment_ids, op_type):
    d, ids, n = _sorted_ids(data, segment_ids, op_type)
    m = fn(d, ids, n)
    empty = wrap(jnp.asarray(_counts(ids, n, m.ndim) == 0))
    return A.where(empty, A.zeros_like(m), m)


def segment_max(data, segment_ids, name=None):
    """Max of rows with equal (sorted) ids; ids that never occur give 0."""
    return _segment_extreme(unsorted_segment_max, data, segment_ids, "SegmentMax")


def segment_min(data, segment_ids, name=None):
    """Min of rows with equal (sorted) ids; ids that never occur give 0."""
    return _segment_extreme(unsorted_segment_min, data, segment_ids, "SegmentMin")


# -- counting --------------------------------------------------------------------


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32,
             name=None, axis=None, binary_output=False):
    """Counts of each value 0..n-1 (n = max(arr) + 1, bounded by min/maxlength).

    >>> tf.math.bincount(tf.constant([1, 1, 3])).numpy()
    array([0, 2, 0, 1], dtype=int32)
    """
    a = _concrete(arr, "arr", "Bincount")
    if a.size and a.min() < 0:
        raise invalid_argument("Input arr must be non-negative!", "Bincount")
    if axis not in (None, 0, -1):
        raise ValueError(f"Unsupported axis value {axis}. Only 0 and -1 are supported.")
    n = int(a.max()) + 1 if a.size else 0
    n = max(n, int(minlength)) if minlength is not None else n
    n = min(n, int(maxlength)) if maxlength is not None else n
    if weights is not None:
        w = _concrete(weights, "weights", "Bincount")
        if w.shape != a.shape:
            raise invalid_argument(f"weights shape {list(w.shape)} must equal arr shape "
                                   f"{list(a.shape)}", "Bincount")
        dt = w.dtype
    else:
        dt = dtypes.as_dtype(dtype)._np
        w = np.ones(a.shape, dt)
    per_row = axis == -1 and a.ndim > 1
    rows = a.reshape(-1, a.shape[-1]) if per_row else a.reshape(1, -1)
    w = w.reshape(rows.shape)
    res = np.stack([np.bincount(r[r < n], wr[r < n], minlength=n)[:n] for r, wr in
                    zip(rows, w)]) if n else np.zeros((rows.shape[0], 0))
    res = (res != 0) if binary_output else res
    res = res.astype(dt)
    return wrap(jnp.asarray(res.reshape(a.shape[:-1] + (n,)) if per_row else res[0]))


def confusion_matrix(labels, predictions, num_classes=None, weights=None,
                     dtype=dtypes.int32, name=None):
    """[num_classes, num_classes] counts of (label, prediction) pairs.

    >>> tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()[2, 2]
    1
    """
    lab = _concrete(labels, "labels", "ConfusionMatrix").reshape(-1)
    pred = _concrete(predictions, "predictions", "ConfusionMatrix").reshape(-1)
    if lab.shape != pred.shape:
        raise ValueError(f"labels and predictions must have the same shape, got "
                         f"{lab.shape} and {pred.shape}")
    for what, v in (("labels", lab), ("predictions", pred)):
        if v.size and v.min() < 0:
            raise invalid_argument(f"`{what}` contains negative values", "ConfusionMatrix")
    n = int(num_classes) if num_classes is not None else int(
        max(lab.max(initial=-1), pred.max(initial=-1)) + 1)
    for what, v in (("labels", lab), ("predictions", pred)):
        if v.size and v.max() >= n:
            raise invalid_argument(f"`{what}` out of bound: max {v.max()} >= num_classes "
                                   f"{n}", "ConfusionMatrix")
    dt = dtypes.as_dtype(dtype)._np
    w = np.ones(lab.shape, dt) if weights is None else _concrete(
        weights, "weights", "ConfusionMatrix").reshape(-1).astype(dt)
    cm = np.zeros((n, n), dt)
    np.add.at(cm, (lab, pred), w)
    return wrap(jnp.asarray(cm))
