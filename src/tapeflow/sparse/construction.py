"""SparseTensors built from other values: `tf.sparse.eye`, `tf.sparse.bincount`,
`tf.sparse.split`.

Counting and splitting are index arithmetic on the host; `split` moves the
values with `tf.gather`, so gradients reach them.

>>> import tapeflow as tf
>>> tf.sparse.to_dense(tf.sparse.eye(2)).numpy().tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .sparse_tensor import SparseTensor, dense_shape_list, is_concrete
from ..ragged.ragged_tensor import RaggedTensor
from ..ops import gather_ops

__all__ = ["eye", "bincount", "split"]


def _make(indices, values, shape):
    return SparseTensor._trusted(
        Tensor(jnp.asarray(np.asarray(indices, np.int64).reshape(-1, len(shape)))), values,
        Tensor(jnp.asarray(np.asarray(shape, np.int64))))


def eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """A sparse [num_rows, num_columns] identity matrix.

    >>> import tapeflow as tf
    >>> tf.sparse.eye(2, 3).indices.numpy().tolist()
    [[0, 0], [1, 1]]
    """
    rows = int(convert_to_tensor(num_rows).numpy())
    cols = rows if num_columns is None else int(convert_to_tensor(num_columns).numpy())
    n = min(rows, cols)
    diag = np.repeat(np.arange(n), 2).reshape(n, 2)
    return _make(diag, Tensor(jnp.ones((n,), dtypes.as_dtype(dtype)._np)), [rows, cols])


def _host(x, what):
    t = convert_to_tensor(x)
    if not is_concrete(t):
        raise TypeError(f"tf.sparse.bincount needs known {what}; it is symbolic here")
    return np.asarray(t._value)


def _rows_and_values(values, weights):
    """(row id per value or None, flat values, flat weights or None, number of rows)."""
    if isinstance(values, SparseTensor):
        idx = _host(values.indices, "indices")
        w = None if weights is None else _host(
            weights.values if isinstance(weights, SparseTensor) else weights, "weights")
        nrows = dense_shape_list(values, "tf.sparse.bincount")[0] if idx.shape[1] > 1 else 1
        rows = idx[:, 0] if idx.shape[1] > 1 else None
        return rows, _host(values.values, "values"), w, nrows, values.values.dtype
    if isinstance(values, RaggedTensor):
        splits = _host(values.row_splits, "row_splits")
        rows = np.repeat(np.arange(len(splits) - 1), np.diff(splits))
        w = None if weights is None else _host(
            weights.flat_values if isinstance(weights, RaggedTensor) else weights, "weights")
        return rows, _host(values.flat_values, "values"), w, len(splits) - 1, values.dtype
    t = convert_to_tensor(values)
    v = _host(t, "values")
    if v.ndim > 2:
        raise invalid_argument(f"tf.sparse.bincount: input must be a 1 or 2-dimensional "
                               f"tensor; Received: values with shape {list(v.shape)}",
                               "DenseCountSparseOutput")
    w = None if weights is None else _host(weights, "weights")
    if v.ndim > 1:
        rows = np.repeat(np.arange(v.shape[0]), int(np.prod(v.shape[1:])))
        return rows, v.reshape(-1), None if w is None else w.reshape(-1), v.shape[0], t.dtype
    return None, v.reshape(-1), None if w is None else w.reshape(-1), 1, t.dtype


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None,
             binary_output=False, name=None):
    """Counts (or summed weights) of each value as a SparseTensor.

    `axis=0` counts over all values; `axis=-1` counts per row of a rank-2 dense,
    ragged or sparse input. The last dimension is max(values) + 1, at least
    `minlength` and at most `maxlength` (larger values are dropped).

    >>> import tapeflow as tf
    >>> st = tf.sparse.bincount([1, 1, 2, 5])
    >>> st.indices.numpy().tolist(), st.values.numpy().tolist(), st.dense_shape.numpy().tolist()
    ([[1], [2], [5]], [2, 1, 1], [6])
    """
    if axis not in (0, -1):
        raise ValueError(f"tf.sparse.bincount: unsupported axis value {axis}; only 0 and -1 "
                         "are supported")
    rows, v, w, nrows, vdtype = _rows_and_values(values, weights)
    if vdtype not in (dtypes.int32, dtypes.int64):
        raise invalid_argument(f"tf.sparse.bincount: values must be int32 or int64; "
                               f"Received: values with dtype {vdtype.name}", "SparseBincount")
    if v.size and v.min() < 0:
        raise invalid_argument(f"Input values must all be non-negative; Received: min value "
                               f"{int(v.min())}", "SparseBincount")
    if w is not None and w.shape != v.shape:
        raise invalid_argument(f"weights must have the shape of values; Received: weights "
                               f"with {w.size} entries for {v.size} values", "SparseBincount")
    size = int(v.max()) + 1 if v.size else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    keep = v < size
    v = v[keep]
    per_row = axis == -1 and rows is not None
    r = rows[keep] if per_row else np.zeros(v.shape, np.int64)
    out_rows = nrows if per_row else 1
    counts = np.zeros((out_rows, size), np.float64 if w is not None else np.int64)
    np.add.at(counts, (r, v), 1 if w is None else w[keep])
    present = np.zeros((out_rows, size), bool)
    present[r, v] = True
    if binary_output:
        counts = present.astype(counts.dtype)
    dt = (np.asarray(w).dtype if w is not None and not binary_output else vdtype._np)
    nz = np.argwhere(present)
    vals = Tensor(jnp.asarray(counts[present].astype(dt)))
    if per_row:
        return _make(nz, vals, [out_rows, size])
    return _make(nz[:, 1:], vals, [size])


def split(sp_input=None, num_split=None, axis=None, name=None, keyword_required=None):
    """Splits a SparseTensor into `num_split` pieces along `axis` (the first
    `dim % num_split` pieces get one extra slice, as TF does).

    >>> import tapeflow as tf
    >>> st = tf.SparseTensor([[0, 0], [1, 4]], [1, 2], [2, 5])
    >>> [s.dense_shape.numpy().tolist() for s in tf.sparse.split(st, 2, axis=1)]
    [[2, 3], [2, 2]]
    """
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"tf.sparse.split: sp_input must be a SparseTensor; Received: "
                        f"{type(sp_input).__name__}")
    shape = dense_shape_list(sp_input, "tf.sparse.split")
    axis = int(axis) + (len(shape) if int(axis) < 0 else 0)
    n, dim = int(num_split), shape[axis]
    if not 1 <= n <= dim:
        raise invalid_argument(f"Input num_split should be between 1 and the splitting "
                               f"dimension size ({dim}), got {n}", "SparseSplit")
    idx = np.asarray(sp_input.indices._value).reshape(-1, len(shape))
    sizes = [dim // n + (1 if k < dim % n else 0) for k in range(n)]
    out, start = [], 0
    for size in sizes:
        pos = np.nonzero((idx[:, axis] >= start) & (idx[:, axis] < start + size))[0]
        piece = idx[pos].copy()
        piece[:, axis] -= start
        values = gather_ops.gather(sp_input.values, Tensor(jnp.asarray(pos.astype(np.int64))))
        out.append(_make(piece, values, shape[:axis] + [size] + shape[axis + 1:]))
        start += size
    return out
