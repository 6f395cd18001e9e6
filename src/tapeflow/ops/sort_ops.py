"""Sorting and ranking: sort, argsort, top_k, in_top_k, unique.

Gradients (top_k, sort) are in sort_grad.py.

>>> import tapeflow as tf
>>> tf.sort(tf.constant([3, 1, 2]), direction="DESCENDING").numpy()
array([3, 2, 1], dtype=int32)
"""
import collections

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from .dispatch import norm_axis, out, outs, unary, wrap

__all__ = ["sort", "argsort", "unique", "unique_with_counts"]
MATH_ONLY = ["top_k", "in_top_k"]

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """The k largest entries of the last axis and their indices (lower index wins ties).

    >>> tf.math.top_k(tf.constant([1., 5., 3.]), k=2).values.numpy()
    array([5., 3.], dtype=float32)
    """
    x = unary(input)
    k = int(k)
    if x.ndim < 1:
        raise invalid_argument(f"input must be at least 1-dimensional, got shape {x.shape}",
                               "TopKV2")
    n = x._value.shape[-1]
    if k < 0 or k > n:
        raise invalid_argument(f"input must have at least k columns. Had {n}, needed {k}"
                               if k >= 0 else f"Need k >= 0, got {k}", "TopKV2")
    vals, idx = lax.top_k(x._value, k)
    vals, idx = outs([vals, idx.astype(dtypes.as_dtype(index_type)._np)], "TopKV2", (x,))
    return TopKV2(vals, idx)


def _direction(direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"`direction` should be one of ASCENDING, DESCENDING. Received: "
                         f"direction={direction!r}")
    return direction == "DESCENDING"


def _argsort_value(v, axis, descending):  # stable both ways: ties keep index order
    return jnp.argsort(v, axis=axis, stable=True, descending=descending)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices that sort `values` along `axis` (always stable: ties keep their order).

    >>> tf.argsort(tf.constant([3., 1., 2.])).numpy()
    array([1, 2, 0], dtype=int32)
    """
    desc = _direction(direction)
    x = unary(values)
    ax = norm_axis(axis, x.ndim, "Sort")
    return wrap(_argsort_value(x._value, ax, desc).astype(jnp.int32))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorts along `axis`; differentiable (the gradient is un-permuted)."""
    desc = _direction(direction)
    x = unary(values)
    ax = norm_axis(axis, x.ndim, "Sort")
    if x.ndim == 0:
        raise invalid_argument("input must be at least rank 1, got a scalar", "Sort")
    return take_along_axis(x, _argsort_value(x._value, ax, desc), ax)


def take_along_axis(x, perm, axis):
    """x permuted along `axis` by `perm` (a jax int array of permutations); recorded."""
    inv = jnp.argsort(perm, axis=axis)
    return out(jnp.take_along_axis(x._value, perm, axis=axis), "TakeAlongAxis", (x,),
               {"perm": perm, "inv": inv, "axis": axis})


def in_top_k(targets, predictions, k, name=None):
    """Whether each target class is among the k highest predictions of its row.

    Ties at the boundary count as in; rows with a non-finite target score are False.
    """
    t = unary(targets)
    p = unary(predictions)
    if p.ndim != 2 or t.ndim != 1 or t._value.shape[0] != p._value.shape[0]:
        raise invalid_argument(f"predictions must be [batch, classes] and targets [batch]; "
                               f"got {p.shape} and {t.shape}", "InTopKV2")
    pv, tv = p._value, t._value
    n = pv.shape[1]
    valid = (tv >= 0) & (tv < n)
    score = jnp.take_along_axis(pv, jnp.clip(tv, 0, n - 1)[:, None].astype(jnp.int32), 1)
    better = jnp.sum(pv > score, axis=1)
    ok = valid & jnp.isfinite(score[:, 0]) & (better < int(k))
    return wrap(ok)


def _concrete_1d(x, op_type):
    v = x._value
    if isinstance(v, jax.core.Tracer):
        raise TypeError(f"{op_type} needs concrete values; its output size depends on the "
                        "data, so it cannot run inside a compiled tf.function.")
    if x.ndim != 1:
        raise invalid_argument(f"unique expects a 1D vector. Received shape {x.shape}",
                               op_type)
    return np.asarray(v)


def _unique(x, out_idx, op_type):
    x = unary(x)
    v = _concrete_1d(x, op_type)
    _, first, inv, counts = np.unique(v, return_index=True, return_inverse=True,
                                      return_counts=True)
    order = np.argsort(first, kind="stable")  # uniques in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    it = dtypes.as_dtype(out_idx)._np
    y = v[first[order]]
    y = wrap(y) if x.dtype is dtypes.string else wrap(jnp.asarray(y))
    return y, wrap(jnp.asarray(rank[inv.reshape(-1)], it)), wrap(jnp.asarray(counts[order], it))


def unique(x, out_idx=dtypes.int32, name=None):
    """Distinct values of a 1-D tensor (first-seen order) and each entry's index in them.

    >>> y, idx = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8]))
    >>> y.numpy(), idx.numpy()
    (array([1, 2, 4, 7, 8], dtype=int32), array([0, 0, 1, 2, 2, 2, 3, 4, 4], dtype=int32))
    """
    y, idx, _ = _unique(x, out_idx, "Unique")
    return Unique(y, idx)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """Like unique, plus how many times each distinct value occurs."""
    return UniqueWithCounts(*_unique(x, out_idx, "UniqueWithCounts"))
