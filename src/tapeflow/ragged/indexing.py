"""Indexing and slicing of RaggedTensors (`rt[i]`, `rt[1:3]`, `rt[:, 0]`, `rt[..., :2]`).

Row selection gathers the rows' values; indexing inside ragged dimensions
selects, row by row, the requested positions (an error when a row is too short,
as TF's `InvalidArgumentError`).

>>> import tapeflow as tf
>>> rt = tf.ragged.constant([[1, 2, 3], [], [4]])
>>> rt[0].numpy(), rt[1:].to_list(), rt[:, :1].to_list()
(array([1, 2, 3], dtype=int32), [[], [4]], [[1], [], [4]])
"""
import jax.numpy as jnp
import numpy as np

from ..framework import recording
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor
from .row_partition import concrete
from ..ops import array_ops, gather_ops

__all__ = ["getitem"]


def _is_ragged(value):
    """A RaggedTensor, told by its `ragged_rank` (ragged_tensor.py imports this module)."""
    return hasattr(value, "ragged_rank")


def _ops():
    return array_ops, gather_ops


def getitem(rt, key):
    if not isinstance(key, tuple):
        key = (key,)
    if any(k is Ellipsis for k in key):
        i = key.index(Ellipsis)
        fill = rt.shape.rank - (len(key) - 1 - sum(k is None for k in key))
        key = key[:i] + (slice(None),) * fill + key[i + 1:]
    if any(k is None for k in key):
        raise ValueError("tf.newaxis is not supported when indexing a RaggedTensor's ragged "
                         "dimensions; use tf.expand_dims on the result")
    if len(key) > rt.shape.rank:
        raise ValueError(f"Too many indices for RaggedTensor: {len(key)} indices for a "
                         f"tensor of rank {rt.shape.rank}")
    return _index(rt, list(key))


def _index(rt, key):
    if not key:
        return rt
    if not _is_ragged(rt):
        return rt[tuple(key)]
    first, rest = key[0], key[1:]
    splits = concrete(rt.row_splits, "RaggedTensor.__getitem__")
    n = len(splits) - 1
    if isinstance(first, (list, np.ndarray)) or (isinstance(first, Tensor) and first.ndim):
        rows = np.asarray(first.numpy() if isinstance(first, Tensor) else first).reshape(-1)
        if rows.dtype == bool:
            rows = np.nonzero(rows)[0]
        if rows.size and (rows.min() < -n or rows.max() >= n):
            raise invalid_argument(f"row indices {rows.tolist()} out of range for a "
                                   f"RaggedTensor with {n} rows", "RaggedGather")
        first = rows % max(n, 1)
    if isinstance(first, (slice, np.ndarray)):
        rows = np.arange(n)[first] if isinstance(first, slice) else first
        sub = _take_rows(rt, rows, splits)
        if not rest:
            return sub
        return _index_inner(sub, rest)
    i = _as_int(first)
    if not -n <= i < n:
        raise invalid_argument(f"slice index {i} of dimension 0 out of bounds; RaggedTensor "
                               f"has {n} rows", "StridedSlice")
    i %= n
    row = _slice_values(rt.values, int(splits[i]), int(splits[i + 1]))
    return _index(row, rest)


def _as_int(k):
    if isinstance(k, Tensor) or hasattr(k, "_as_tensor"):
        return int(k)
    if isinstance(k, (int, np.integer)):
        return int(k)
    raise TypeError(f"RaggedTensor indices must be integers or slices; Received: {k!r}")


def _host(values):
    """The NumPy array behind host-held values that no tape watches, else None.

    Batching ragged data (Keras fit, tf.data) then slices on the host instead of
    compiling a device gather for every batch layout.
    """
    v = values._value
    return v if isinstance(v, np.ndarray) and not recording.recording_tapes() else None


def _slice_values(values, start, stop):
    if _is_ragged(values):
        return _take_rows(values, np.arange(start, stop),
                          concrete(values.row_splits, "RaggedTensor.__getitem__"))
    host = _host(values)
    return values[start:stop] if host is None else Tensor._from_host(host[start:stop])


def _take_rows(rt, rows, splits):
    """The rows `rows` (an index array) of `rt` as a RaggedTensor."""
    A, G = _ops()
    starts, lens = splits[:-1][rows], np.diff(splits)[rows]
    new_splits = np.concatenate([[0], np.cumsum(lens)]).astype(splits.dtype)
    if len(rows) and np.all(np.diff(rows) == 1):  # contiguous: one slice
        values = _slice_values(rt.values, int(starts[0]), int(starts[0] + lens.sum()))
    else:
        pos = (np.concatenate([np.arange(s, s + l) for s, l in zip(starts, lens)])
               if len(rows) else np.zeros(0, splits.dtype)).astype(np.int64)
        values = _gather_values(rt.values, pos)
    return type(rt)(values, Tensor(np.asarray(new_splits)), rt.uniform_row_length,
                    internal=True)


def _gather_values(values, pos):
    _, G = _ops()
    if _is_ragged(values):
        return _take_rows(values, pos, concrete(values.row_splits, "RaggedTensor.__getitem__"))
    host = _host(values)
    if host is not None:
        return Tensor._from_host(host[pos])
    return G.gather(values, Tensor(np.asarray(pos)))


def _index_inner(rt, key):
    """Applies `key` (for dims 1..) to every row of `rt`."""
    first, rest = key[0], key[1:]
    splits = concrete(rt.row_splits, "RaggedTensor.__getitem__")
    starts, lens = splits[:-1], np.diff(splits)
    if isinstance(first, slice):
        sel = [np.arange(s, s + l)[first] for s, l in zip(starts, lens)]
        new_lens = np.array([len(x) for x in sel], splits.dtype)
        pos = np.concatenate(sel).astype(np.int64) if sel else np.zeros(0, np.int64)
        values = _gather_values(rt.values, pos)
        if rest:
            values = _index_inner(values, rest) if _is_ragged(values) else \
                values[(slice(None),) + tuple(rest)]
        new_splits = np.concatenate([[0], np.cumsum(new_lens)]).astype(splits.dtype)
        return type(rt)(values, Tensor(np.asarray(new_splits)), None, internal=True)
    j = _as_int(first)
    bad = (j >= lens) | (j < -lens)
    if np.any(bad):
        raise invalid_argument(f"RaggedTensor index {j} in dimension 1 is out of bounds for "
                               f"row lengths {lens.tolist()}", "RaggedGather")
    pos = (starts + np.where(j < 0, lens + j, j)).astype(np.int64)
    values = _gather_values(rt.values, pos)
    if rest:
        if _is_ragged(values):
            return _index_inner(values, rest)
        return values[(slice(None),) + tuple(rest)]
    return values
