"""Ragged <-> dense and ragged <-> sparse conversions.

`to_tensor` gathers from the flat values with a padded index matrix, so its
gradient (a scatter-add back into the flat values) comes from `tf.gather`'s.

>>> import tapeflow as tf
>>> tf.RaggedTensor.from_tensor([[1, 0], [2, 3]], padding=0).to_list()
[[1], [2, 3]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops as A
from ..ops import gather_ops as G
from ..ops.layout_ops import pad
from .row_partition import concrete, is_concrete

__all__ = ["to_tensor", "from_tensor", "to_sparse", "from_sparse"]


def _pad_index(splits, width, pad_index):
    """[nrows, width] indices into the values; `pad_index` where a row is shorter."""
    s = splits._value
    xp = jnp if not is_concrete(splits) else np  # host arithmetic when known
    s = s if xp is jnp else np.asarray(s)
    starts, lengths = s[:-1], s[1:] - s[:-1]
    j = xp.arange(width, dtype=s.dtype)
    idx = starts[:, None] + j[None, :]
    return xp.where(j[None, :] < lengths[:, None], idx, pad_index)


def to_tensor(rt, default_value=None, shape=None):
    """Dense Tensor of `rt` padded with `default_value` (0 / b'' by default)."""
    shape = None if shape is None else TensorShape(shape)
    if shape is not None and shape.rank is not None and shape.rank != rt.shape.rank:
        raise ValueError(f"to_tensor: shape must have rank {rt.shape.rank}; Received: "
                         f"shape={shape}")
    inner_shape = None if shape is None else TensorShape([None] + shape.as_list()[2:])
    values = rt.values
    if isinstance(values, type(rt)):
        values = to_tensor(values, default_value, inner_shape)
    elif inner_shape is not None:
        values = _fit_inner(values, inner_shape, default_value)
    dt = values.dtype
    if default_value is None:
        default_value = b"" if dt == dtypes.string else 0
    default = convert_to_tensor(default_value, dtype=dt)
    nvals = values.shape[0]
    width = None if shape is None else shape.as_list()[1]
    if width is None:
        if rt.uniform_row_length is not None and is_concrete(rt.uniform_row_length):
            width = int(rt.uniform_row_length._value)
        elif not is_concrete(rt.row_splits) and hasattr(rt.row_splits, "max_row_length"):
            width = rt.row_splits.max_row_length  # bucketing.BoundedSplits: a static bound
        else:
            lengths = np.diff(concrete(rt.row_splits, "RaggedTensor.to_tensor"))
            width = int(lengths.max()) if lengths.size else 0
    idx = Tensor(_pad_index(rt.row_splits, width, nvals))
    if dt == dtypes.string:  # object arrays live on the host
        pad_row = np.full([1] + values.shape.as_list()[1:], default._value.item(), object)
        table = np.concatenate([np.asarray(values._value), pad_row], axis=0)
        dense = Tensor(table[np.asarray(idx._value)])
    else:
        pad_row = A.broadcast_to(default, [1] + values.shape.as_list()[1:])
        dense = G.gather(A.concat([values, pad_row], axis=0), idx)
    nrows = None if shape is None else shape.as_list()[0]
    if nrows is not None and nrows != rt.shape[0]:
        dense = _resize_axis0(dense, nrows, default)
    return dense


def _fit_inner(values, shape, default):
    """Crops/pads dims 1.. of a dense `values` to `shape` (None keeps a dim)."""
    dims = values.shape.as_list()
    want = shape.as_list()
    for axis in range(1, len(dims)):
        w = want[axis]
        if w is None or w == dims[axis]:
            continue
        if w < dims[axis]:
            values = values[tuple(slice(None) if a != axis else slice(0, w)
                                  for a in range(len(dims)))]
        else:
            widths = [[0, 0]] * len(dims)
            widths[axis] = [0, w - dims[axis]]
            values = pad(values, widths, constant_values=0 if default is None else default)
        dims = values.shape.as_list()
    return values


def _resize_axis0(dense, nrows, default):
    n = dense.shape[0]
    if nrows < n:
        return dense[:nrows]
    widths = [[0, nrows - n]] + [[0, 0]] * (dense.ndim - 1)
    return pad(dense, widths, constant_values=default)


def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1,
                row_splits_dtype=dtypes.int64):
    """Dense -> RaggedTensor (`cls`); rows trimmed by `lengths` or trailing `padding`."""
    t = convert_to_tensor(tensor)
    if lengths is not None and padding is not None:
        raise ValueError("Specify lengths or padding, but not both")
    if not 1 <= ragged_rank < max(t.ndim, 2):
        raise ValueError(f"ragged_rank must be in [1, {t.ndim}); Received: "
                         f"ragged_rank={ragged_rank}")
    sd = dtypes.as_dtype(row_splits_dtype)
    dims = t.shape.as_list()
    if ragged_rank > 1:
        inner = from_tensor(cls, A.reshape(t, [-1] + dims[2:]), lengths=None, padding=None,
                            ragged_rank=ragged_rank - 1, row_splits_dtype=sd)
        return _uniform(cls, inner, dims[0], dims[1], sd)
    nrows, width = dims[0], dims[1]
    if padding is not None:
        pad = np.asarray(concrete(convert_to_tensor(padding, dtype=t.dtype), "from_tensor"))
        vals = np.asarray(concrete(t, "from_tensor"))
        is_pad = vals == pad if vals.ndim == 2 else np.all(
            (vals == pad).reshape(nrows, width, -1), axis=-1)
        keep = ~is_pad
        lens = np.where(keep.any(axis=1), width - np.argmax(keep[:, ::-1], axis=1), 0)
    elif lengths is not None:
        lens = np.minimum(np.asarray(concrete(convert_to_tensor(lengths), "from_tensor")),
                          width)
    else:
        return _uniform(cls, A.reshape(t, [-1] + dims[2:]), nrows, width, sd)
    splits = np.concatenate([[0], np.cumsum(lens)]).astype(sd._np)
    mask = np.arange(width)[None, :] < lens[:, None]
    values = G.boolean_mask(t, Tensor(np.asarray(mask)))
    return cls(values, Tensor(np.asarray(splits)), internal=True)


def _uniform(cls, values, nrows, width, sd):
    splits = Tensor(np.arange(nrows + 1, dtype=sd._np) * width)
    return cls(values, splits, Tensor(np.asarray(width, sd._np)), internal=True)


def to_sparse(rt):
    """A SparseTensor with the ragged values at their (row, column, ...) positions."""
    from ..sparse.sparse_tensor import SparseTensor  # lazy: sparse's package init imports ragged
    fv = rt.flat_values
    cur = np.arange(fv.shape[0])[:, None]
    for splits in reversed(rt.nested_row_splits):
        s = concrete(splits, "RaggedTensor.to_sparse")
        ids = np.repeat(np.arange(len(s) - 1), np.diff(s))
        cols = np.arange(s[-1]) - s[:-1][ids]
        cur = np.concatenate([ids[cur[:, :1]], cols[cur[:, :1]], cur[:, 1:]], 1)
    cur = cur[:, :rt.ragged_rank + 1]
    inner = fv.shape.as_list()[1:]
    if inner:
        sub = np.indices(inner).reshape(len(inner), -1).T
        cur = np.concatenate([np.repeat(cur, len(sub), 0), np.tile(sub, (fv.shape[0], 1))], 1)
        fv = A.reshape(fv, [-1])
    bound = np.asarray(rt.bounding_shape(out_type=dtypes.int64).numpy())
    return SparseTensor(cur.astype(np.int64).reshape(-1, rt.shape.rank), fv, bound)


def from_sparse(cls, st, row_splits_dtype=dtypes.int64):
    """2-D SparseTensor (indices in row-major order) -> RaggedTensor (`cls`)."""
    if st.indices.shape[1] != 2:
        raise ValueError(f"RaggedTensor.from_sparse: input must be rank 2; Received: "
                         f"dense_shape={np.asarray(st.dense_shape).tolist()}")
    idx = np.asarray(concrete(st.indices, "from_sparse"))
    nrows = int(np.asarray(st.dense_shape)[0])
    if idx.size:
        order_ok = np.all(np.diff(idx[:, 0]) >= 0)
        if not order_ok:
            raise invalid_argument("SparseTensor is not right-ordered; call "
                                   "tf.sparse.reorder first", "RaggedTensorFromSparse")
        expect = np.concatenate([np.arange(c) for c in np.bincount(idx[:, 0],
                                                                   minlength=nrows)])
        if not np.array_equal(idx[:, 1], expect):
            raise invalid_argument("RaggedTensor.from_sparse requires each row's columns to "
                                   "be 0, 1, ... without gaps", "RaggedTensorFromSparse")
    counts = np.bincount(idx[:, 0], minlength=nrows) if idx.size else np.zeros(nrows, int)
    sd = dtypes.as_dtype(row_splits_dtype)
    splits = np.concatenate([[0], np.cumsum(counts)]).astype(sd._np)
    return cls(st.values, Tensor(np.asarray(splits)), internal=True)
