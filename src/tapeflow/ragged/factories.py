"""`tf.ragged.constant` and `tf.ragged.range`: RaggedTensors from Python data.

>>> import tapeflow as tf
>>> tf.ragged.constant([[1, 2], [], [3]]).row_splits.numpy()
array([0, 2, 2, 3])
>>> tf.ragged.range([3, 0, 2]).to_list()
[[0, 1, 2], [], [0, 1]]
"""
import builtins

import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .ragged_tensor import RaggedTensor

__all__ = ["constant", "constant_value", "range"]


def _depth(x):
    """Nesting depth of the deepest list in `x` (scalars: 0)."""
    if isinstance(x, (list, tuple)):
        return 1 + max((_depth(v) for v in x), default=0)
    if isinstance(x, np.ndarray):
        return x.ndim
    return 0


def _split(pylist, ragged_rank):
    """Python lists -> (flat leaves list, [splits per ragged level])."""
    levels = [[0] for _ in builtins.range(ragged_rank)]
    flat = []

    def rec(rows, level):
        for row in rows:
            if level == ragged_rank - 1:
                flat.extend(row)
                levels[level].append(len(flat))
            else:
                rec(row, level + 1)
                levels[level].append(len(levels[level + 1]) - 1)
    rec(pylist, 0)
    return flat, levels


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=dtypes.int64):
    """A RaggedTensor from nested Python lists (`tf.ragged.constant`).

    The ragged rank defaults to the list depth minus one minus `inner_shape`'s rank.

    >>> constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1).shape
    TensorShape([2, None, 2])
    """
    if isinstance(pylist, RaggedTensor):
        return pylist
    if not isinstance(pylist, (list, tuple, np.ndarray)):
        return convert_to_tensor(pylist, dtype=dtype)
    depth = _depth(pylist)
    inner_rank = 0 if inner_shape is None else len(inner_shape)
    if ragged_rank is None:
        ragged_rank = max(1, depth - 1 - inner_rank) if depth > 1 else 0
    if ragged_rank == 0:
        return convert_to_tensor(pylist, dtype=dtype)
    if depth and depth <= ragged_rank:
        raise ValueError(f"tf.ragged.constant: ragged_rank={ragged_rank} must be less than "
                         f"the nesting depth of pylist ({depth})")
    flat, levels = _split(list(pylist), ragged_rank)
    if flat:
        try:
            values = convert_to_tensor(flat, dtype=dtype)
        except ValueError as e:
            raise ValueError(f"tf.ragged.constant: all scalar values must have the same "
                             f"nesting depth, and inner values the same shape: {e}") from e
    else:
        shape = [0] + list(inner_shape or [])
        dt = dtypes.as_dtype(dtype or dtypes.float32)
        values = Tensor(np.zeros(shape, dt._np) if dt._np is not None else
                        np.zeros(shape, object))
    if inner_shape is not None and list(values.shape.as_list()[1:]) != list(inner_shape):
        values = Tensor(values._value.reshape([-1] + list(inner_shape)))
    sd = dtypes.as_dtype(row_splits_dtype)._np
    result = values
    for splits in reversed(levels):
        result = RaggedTensor(result, Tensor(np.asarray(np.asarray(splits, sd))),
                              internal=True)
    return result


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    """`tf.compat.v1.ragged.constant_value`: a RaggedTensor (values held as NumPy)."""
    return constant(pylist, dtype, ragged_rank, inner_shape, row_splits_dtype=row_splits_dtype)


def range(starts, limits=None, deltas=1, dtype=None, name=None,
          row_splits_dtype=dtypes.int64):
    """Row i is `range(starts[i], limits[i], deltas[i])` (scalars broadcast).

    >>> range([0, 5], [3, 8], 2).to_list()
    [[0, 2], [5, 7]]
    """
    if limits is None:
        starts, limits = 0, starts
    s, l, d = (convert_to_tensor(v, dtype=dtype) for v in (starts, limits, deltas))
    sv, lv, dv = np.broadcast_arrays(*(np.asarray(t._value) for t in (s, l, d)))
    if sv.ndim > 1:
        raise ValueError(f"tf.ragged.range: starts, limits and deltas must be scalars or "
                         f"vectors; Received: shape {sv.shape}")
    sv, lv, dv = np.atleast_1d(sv), np.atleast_1d(lv), np.atleast_1d(dv)
    if np.any(dv == 0):
        raise invalid_argument("Requires delta != 0", "RaggedRange")
    rows = [np.arange(a, b, c, dtype=np.asarray(s._value).dtype) for a, b, c in zip(sv, lv, dv)]
    lens = [len(r) for r in rows]
    values = np.concatenate(rows) if rows else np.zeros(0, np.asarray(s._value).dtype)
    splits = np.concatenate([[0], np.cumsum(lens)]).astype(dtypes.as_dtype(row_splits_dtype)._np)
    return RaggedTensor(Tensor(jnp.asarray(values)), Tensor(np.asarray(splits)), internal=True)
