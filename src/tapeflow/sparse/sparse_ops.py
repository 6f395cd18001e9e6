"""Ops over SparseTensors: reorder, reshape, transpose, slice, concat, add, retain,
fill_empty_rows, expand_dims, reductions, sparse_dense_matmul, map_values.

Index arithmetic runs on the host (indices are known: eagerly, and inside
`tf.function`, where they are part of the trace key); values move with
`tf.gather` / segment sums, so gradients flow back to `values`.

>>> import tapeflow as tf
>>> st = tf.SparseTensor([[1, 0], [0, 2]], [1., 2.], [2, 3])
>>> tf.sparse.reorder(st).indices.numpy().tolist()
[[0, 2], [1, 0]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..ops import array_ops as A
from ..ops import gather_ops as G
from ..ops import math_ops as M
from ..ops import segment_ops as S
from .conversion import to_dense
from .sparse_tensor import SparseTensor, dense_shape_list
from .sparse_tensor import host_indices as _idx

__all__ = ["reorder", "reshape", "transpose", "slice", "concat", "add", "retain",
           "fill_empty_rows", "expand_dims", "reduce_sum", "reduce_max", "reduce_min",
           "sparse_dense_matmul", "map_values", "reset_shape", "maximum", "minimum", "softmax"]


def _make(indices, values, shape):
    return SparseTensor._trusted(Tensor(jnp.asarray(np.asarray(indices, np.int64).reshape(
        -1, len(shape)))), values, Tensor(jnp.asarray(np.asarray(shape, np.int64))))


def _take(values, positions):
    return G.gather(values, Tensor(jnp.asarray(np.asarray(positions, np.int64))))


def _check(sp, op):
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"{op}: expected a SparseTensor; Received: {type(sp).__name__}")
    return sp


def reorder(sp_input, name=None):
    """Sorts the entries into row-major (lexicographic index) order."""
    sp = _check(sp_input, "tf.sparse.reorder")
    idx = _idx(sp)
    order = np.lexsort(idx.T[::-1]) if len(idx) else np.zeros(0, np.int64)
    return _make(idx[order], _take(sp.values, order), dense_shape_list(sp, "reorder"))


def reshape(sp_input, shape, name=None):
    """Same values in a new dense shape (one dimension may be -1)."""
    sp = _check(sp_input, "tf.sparse.reshape")
    old = dense_shape_list(sp, "tf.sparse.reshape")
    new = [int(d) for d in np.asarray(convert_to_tensor(shape).numpy()).reshape(-1)]
    total = int(np.prod(old))
    if new.count(-1) > 1:
        raise invalid_argument(f"only one output dimension may be -1; Received: shape={new}",
                               "SparseReshape")
    if -1 in new:
        known = int(np.prod([d for d in new if d != -1]))
        if known == 0 or total % known:
            raise invalid_argument(f"Input to reshape is a SparseTensor with {total} dense "
                                   f"values, but the requested shape {new} cannot hold them",
                                   "SparseReshape")
        new[new.index(-1)] = total // known
    if int(np.prod(new)) != total:
        raise invalid_argument(f"Input to reshape is a tensor with {total} dense values, but "
                               f"the requested shape has {int(np.prod(new))}; Received: "
                               f"dense_shape={old}, shape={new}", "SparseReshape")
    idx = _idx(sp)
    flat = np.ravel_multi_index(idx.T, old) if len(idx) else np.zeros(0, np.int64)
    new_idx = np.stack(np.unravel_index(flat, new), 1) if len(idx) else np.zeros((0, len(new)))
    return _make(new_idx, sp.values, new)


def transpose(sp_input, perm=None, name=None):
    """Permutes the dimensions (reverses them by default); entries reordered."""
    sp = _check(sp_input, "tf.sparse.transpose")
    shape = dense_shape_list(sp, "tf.sparse.transpose")
    perm = list(range(len(shape)))[::-1] if perm is None else [int(p) for p in perm]
    if sorted(perm) != list(range(len(shape))):
        raise invalid_argument(f"perm must be a permutation of 0..{len(shape) - 1}; Received: "
                               f"perm={perm}", "SparseTranspose")
    idx = _idx(sp)[:, perm]
    return reorder(_make(idx, sp.values, [shape[p] for p in perm]))


def slice(sp_input, start, size, name=None):  # noqa: A001 - TF's name
    """Entries inside the box [start, start + size), re-indexed from `start`."""
    sp = _check(sp_input, "tf.sparse.slice")
    shape = np.asarray(dense_shape_list(sp, "tf.sparse.slice"))
    start = np.asarray(convert_to_tensor(start).numpy(), np.int64).reshape(-1)
    size = np.asarray(convert_to_tensor(size).numpy(), np.int64).reshape(-1)
    if len(start) != len(shape) or len(size) != len(shape):
        raise invalid_argument(f"start and size must have {len(shape)} entries; Received: "
                               f"start={start.tolist()}, size={size.tolist()}", "SparseSlice")
    stop = np.minimum(start + size, shape)
    idx = _idx(sp)
    keep = np.all((idx >= start) & (idx < stop), axis=1)
    pos = np.nonzero(keep)[0]
    return _make(idx[pos] - start, _take(sp.values, pos), np.maximum(stop - start, 0))


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """Concatenates SparseTensors along `axis` (TF's argument order: axis first)."""
    sps = [_check(s, "tf.sparse.concat") for s in sp_inputs]
    shapes = [np.asarray(dense_shape_list(s, "tf.sparse.concat")) for s in sps]
    rank = len(shapes[0])
    axis = axis + rank if axis < 0 else axis
    others = [np.delete(s, axis) for s in shapes]
    if not expand_nonconcat_dims and any(not np.array_equal(o, others[0]) for o in others):
        raise invalid_argument(f"tf.sparse.concat: input shapes must match except in the "
                               f"concat dimension {axis}; Received shapes "
                               f"{[s.tolist() for s in shapes]}", "SparseConcat")
    out_shape = np.max(shapes, axis=0)
    out_shape[axis] = sum(int(s[axis]) for s in shapes)
    parts, offset = [], 0
    for sp, shp in zip(sps, shapes):
        idx = _idx(sp).copy()
        idx[:, axis] += offset
        offset += int(shp[axis])
        parts.append(idx)
    values = A.concat([s.values for s in sps], axis=0)
    return reorder(_make(np.concatenate(parts, 0), values, out_shape))


def add(a, b, threshold=0, name=None):
    """Sparse + sparse -> sparse (entries at the union of indices, summed);
    sparse + dense -> dense. With `threshold`, sums of smaller magnitude are dropped."""
    if not isinstance(a, SparseTensor):
        a, b = b, a
    if not isinstance(b, SparseTensor):
        return M.add(to_dense(a, validate_indices=False), convert_to_tensor(b, dtype=a.dtype))
    sa, sb = dense_shape_list(a, "tf.sparse.add"), dense_shape_list(b, "tf.sparse.add")
    if sa != sb:
        raise invalid_argument(f"Operands do not have the same ranks and shapes; Received: "
                               f"{sa} and {sb}", "SparseAdd")
    idx = np.concatenate([_idx(a), _idx(b)], 0)
    if len(idx):
        uniq, inv = np.unique(idx, axis=0, return_inverse=True)
    else:
        uniq, inv = idx, np.zeros(0, np.int64)
    both = A.concat([a.values, b.values], axis=0)
    summed = S.unsorted_segment_sum(both, Tensor(jnp.asarray(inv.reshape(-1))), len(uniq))
    result = _make(uniq, summed, sa)
    thr = float(convert_to_tensor(threshold).numpy())
    if thr > 0:
        keep = np.nonzero(np.abs(np.asarray(summed.numpy())) >= thr)[0]
        result = _make(uniq[keep], _take(summed, keep), sa)
    return result


def retain(sp_input, to_retain):
    """Keeps the entries where the boolean vector `to_retain` is True."""
    sp = _check(sp_input, "tf.sparse.retain")
    keep = np.asarray(convert_to_tensor(to_retain).numpy()).astype(bool).reshape(-1)
    if len(keep) != sp.values.shape[0]:
        raise ValueError(f"tf.sparse.retain: to_retain must have one flag per value "
                         f"({sp.values.shape[0]}); Received: shape {keep.shape}")
    pos = np.nonzero(keep)[0]
    return _make(_idx(sp)[pos], _take(sp.values, pos), dense_shape_list(sp, "retain"))


def fill_empty_rows(sp_input, default_value, name=None):
    """Adds `default_value` at `[row, 0, ...]` of every row without entries.

    Returns `(sp_output, empty_row_indicator)`.
    """
    sp = _check(sp_input, "tf.sparse.fill_empty_rows")
    shape = dense_shape_list(sp, "tf.sparse.fill_empty_rows")
    idx = _idx(sp)
    empty = np.ones(shape[0], bool)
    empty[idx[:, 0]] = False
    rows = np.nonzero(empty)[0]
    new_idx = np.zeros((len(rows), len(shape)), np.int64)
    new_idx[:, 0] = rows
    fill = A.fill([len(rows)], convert_to_tensor(default_value, dtype=sp.dtype))
    out = reorder(_make(np.concatenate([idx, new_idx], 0),
                        A.concat([sp.values, fill], axis=0), shape))
    return out, Tensor(jnp.asarray(empty))


def expand_dims(sp_input, axis=None, name=None):
    """Inserts a dimension of size 1 at `axis`."""
    sp = _check(sp_input, "tf.sparse.expand_dims")
    shape = dense_shape_list(sp, "tf.sparse.expand_dims")
    axis = 0 if axis is None else int(axis)
    rank = len(shape)
    if not -rank - 1 <= axis <= rank:
        raise invalid_argument(f"axis {axis} is out of range for a SparseTensor of rank "
                               f"{rank}", "SparseExpandDims")
    axis = axis + rank + 1 if axis < 0 else axis
    idx = np.insert(_idx(sp), axis, 0, axis=1)
    return _make(idx, sp.values, shape[:axis] + [1] + shape[axis:])


def reset_shape(sp_input, new_shape=None):
    """Sets the dense shape to `new_shape` (or the tight bounding shape)."""
    sp = _check(sp_input, "tf.sparse.reset_shape")
    idx = _idx(sp)
    if new_shape is None:
        shape = (idx.max(0) + 1).tolist() if len(idx) else [0] * idx.shape[1]
    else:
        shape = [int(d) for d in np.asarray(convert_to_tensor(new_shape).numpy())]
        if len(idx) and np.any(idx.max(0) >= shape):
            raise ValueError(f"tf.sparse.reset_shape: new_shape {shape} is smaller than the "
                             f"entries' bounding box {(idx.max(0) + 1).tolist()}")
    return _make(idx, sp.values, shape)


def _reduce(sp, axis, keepdims, output_is_sparse, seg, op):
    shape = dense_shape_list(sp, op)
    rank = len(shape)
    axes = list(range(rank)) if axis is None else [
        a % rank for a in np.asarray(axis).reshape(-1).tolist()]
    kept = [d for d in range(rank) if d not in axes]
    out_shape = [shape[d] for d in kept]
    idx = _idx(sp)
    n_out = int(np.prod(out_shape)) if out_shape else 1
    flat = np.ravel_multi_index(idx[:, kept].T, out_shape) if kept and len(idx) else \
        np.zeros(len(idx), np.int64)
    if output_is_sparse:
        uniq, inv = np.unique(flat, return_inverse=True)
        vals = seg(sp.values, Tensor(jnp.asarray(inv.reshape(-1))), len(uniq))
        oi = np.stack(np.unravel_index(uniq, out_shape), 1) if kept else np.zeros((len(uniq), 0))
        if keepdims:
            oi = np.zeros((len(uniq), rank), np.int64)
            oi[:, kept] = np.stack(np.unravel_index(uniq, out_shape), 1) if kept else 0
            out_shape = [1 if d in axes else shape[d] for d in range(rank)]
        return _make(oi, vals, out_shape)
    dense = seg(sp.values, Tensor(jnp.asarray(flat)), n_out)
    if seg is not S.unsorted_segment_sum:  # max/min of no explicit entry: 0, as TF
        empty = np.bincount(flat, minlength=n_out) == 0
        if empty.any():
            dense = A.where(Tensor(jnp.asarray(empty.reshape((-1,) + (1,) * (dense.ndim - 1)))),
                            A.zeros_like(dense), dense)
    if keepdims:
        return A.reshape(dense, [1 if d in axes else shape[d] for d in range(rank)])
    return A.reshape(dense, out_shape)


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Sum over `axis` (absent entries count as 0).

    >>> import tapeflow as tf
    >>> st = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1, 1, 1], [2, 3])
    >>> tf.sparse.reduce_sum(st, axis=1).numpy().tolist()
    [2, 1]
    """
    return _reduce(_check(sp_input, "tf.sparse.reduce_sum"), axis, bool(keepdims),
                   output_is_sparse, S.unsorted_segment_sum, "tf.sparse.reduce_sum")


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Max over `axis` of the explicit entries only (absent entries are skipped)."""
    return _reduce(_check(sp_input, "tf.sparse.reduce_max"), axis, bool(keepdims),
                   output_is_sparse, S.unsorted_segment_max, "tf.sparse.reduce_max")


def reduce_min(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Min over `axis` of the explicit entries only."""
    return _reduce(_check(sp_input, "tf.sparse.reduce_min"), axis, bool(keepdims),
                   output_is_sparse, S.unsorted_segment_min, "tf.sparse.reduce_min")


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """`sp_a @ b` for a 2-D SparseTensor and a dense matrix (gradients to both).

    >>> import tapeflow as tf
    >>> st = tf.SparseTensor([[0, 1]], [2.], [2, 2])
    >>> tf.sparse.sparse_dense_matmul(st, tf.eye(2)).numpy().tolist()
    [[0.0, 2.0], [0.0, 0.0]]
    """
    if not isinstance(sp_a, SparseTensor):  # dense @ sparse
        return _dense_sparse(sp_a, b, adjoint_a, adjoint_b)
    shape = dense_shape_list(sp_a, "tf.sparse.sparse_dense_matmul")
    if len(shape) != 2:
        raise ValueError(f"tf.sparse.sparse_dense_matmul: sp_a must be 2-D; Received: "
                         f"dense_shape={shape}")
    b = convert_to_tensor(b, dtype=sp_a.dtype)
    if adjoint_b:
        b = A.transpose(M.conj(b) if b.dtype.is_complex else b)
    idx = _idx(sp_a)
    vals = sp_a.values
    rows, cols = idx[:, 0], idx[:, 1]
    if adjoint_a:
        rows, cols = cols, rows
        shape = shape[::-1]
        vals = M.conj(vals) if vals.dtype.is_complex else vals
    if b.shape[0] != shape[1]:
        raise invalid_argument(f"Cannot multiply A and B because inner dimension does not "
                               f"match: {shape[1]} vs. {b.shape[0]}; Received shapes "
                               f"{shape} and {b.shape}", "SparseTensorDenseMatMul")
    picked = G.gather(b, Tensor(jnp.asarray(cols)))
    prod = M.multiply(A.expand_dims(vals, 1), picked)
    return S.unsorted_segment_sum(prod, Tensor(jnp.asarray(rows)), shape[0])


def _dense_sparse(a, sp_b, adjoint_a, adjoint_b):
    """dense @ sparse as (B'^T @ A'^T)^T, where X' is X or its adjoint (real dtypes)."""
    if sp_b.dtype.is_complex:
        raise TypeError("dense @ sparse supports real dtypes; use sparse_dense_matmul with "
                        "the SparseTensor first")
    a = convert_to_tensor(a, dtype=sp_b.dtype)
    a_t = a if adjoint_a else A.transpose(a)
    return A.transpose(sparse_dense_matmul(sp_b, a_t, adjoint_a=not adjoint_b))


def map_values(op, *args, **kwargs):
    """Applies `op` to the values of the SparseTensor arguments (identical indices).

    >>> import tapeflow as tf
    >>> st = tf.SparseTensor([[0, 1]], [2.], [2, 2])
    >>> tf.sparse.map_values(tf.square, st).values.numpy().tolist()
    [4.0]
    """
    found = []

    def swap(v):
        if isinstance(v, SparseTensor):
            found.append(v)
            return v.values
        return v

    new_args = [swap(a) for a in args]
    new_kwargs = {k: swap(v) for k, v in kwargs.items()}
    if not found:
        raise ValueError("tf.sparse.map_values: no SparseTensor among the arguments")
    first = found[0]
    for other in found[1:]:
        if not np.array_equal(_idx(first), _idx(other)) or dense_shape_list(
                first, "map_values") != dense_shape_list(other, "map_values"):
            raise ValueError("tf.sparse.map_values: SparseTensor arguments must have the same "
                             "indices and dense_shape")
    result = convert_to_tensor(op(*new_args, **new_kwargs))
    return SparseTensor._trusted(first.indices, result, first.dense_shape)


def _elementwise_pair(a, b, fn, op):
    sa, sb = dense_shape_list(a, op), dense_shape_list(b, op)
    if sa != sb:
        raise invalid_argument(f"{op}: operands must have the same shape; Received {sa} and "
                               f"{sb}", op)
    da, db = to_dense(a, validate_indices=False), to_dense(b, validate_indices=False)
    idx = np.concatenate([_idx(a), _idx(b)], 0)
    uniq = np.unique(idx, axis=0) if len(idx) else idx
    values = G.gather_nd(fn(da, db), Tensor(jnp.asarray(uniq)))
    return _make(uniq, values, sa)


def maximum(sp_a, sp_b, name=None):
    """Elementwise max at the union of the entries (absent entries count as 0)."""
    return _elementwise_pair(sp_a, sp_b, M.maximum, "SparseSparseMaximum")


def minimum(sp_a, sp_b, name=None):
    """Elementwise min at the union of the entries (absent entries count as 0)."""
    return _elementwise_pair(sp_a, sp_b, M.minimum, "SparseSparseMinimum")


def softmax(sp_input, name=None):
    """Softmax over the explicit entries of each innermost row."""
    sp = reorder(_check(sp_input, "tf.sparse.softmax"))
    idx = _idx(sp)
    groups = np.unique(idx[:, :-1], axis=0, return_inverse=True)[1].reshape(-1) \
        if len(idx) else np.zeros(0, np.int64)
    ids = Tensor(jnp.asarray(groups))
    n = int(groups.max()) + 1 if len(groups) else 0
    top = S.unsorted_segment_max(sp.values, ids, n)
    e = M.exp(M.subtract(sp.values, G.gather(top, ids)))
    total = S.unsorted_segment_sum(e, ids, n)
    return sp.with_values(M.divide(e, G.gather(total, ids)))
