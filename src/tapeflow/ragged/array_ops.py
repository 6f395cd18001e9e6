"""Array ops over RaggedTensors: concat, stack, gather, where, boolean_mask, expand_dims.

Values move with `tf.gather`/`tf.concat` on the flat values, so gradients flow
back to them; partitions are computed from the (known) row splits.

>>> import tapeflow as tf
>>> a, b = tf.ragged.constant([[1, 2], [3]]), tf.ragged.constant([[4], []])
>>> tf.concat([a, b], axis=1).to_list(), tf.ragged.stack([a, b]).to_list()
([[1, 2, 4], [3]], [[[1, 2], [3]], [[4], []]])
"""
import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .elementwise import same_partitions, splits_equal
from .indexing import _take_rows
from .ragged_tensor import RaggedTensor
from .row_partition import concrete
from ..ops import array_ops, gather_ops

__all__ = ["concat", "stack", "gather", "where", "boolean_mask", "expand_dims", "size",
           "rank"]


def _ops():
    return array_ops, gather_ops


def _as_ragged(values, ragged_rank, op):
    out = []
    for v in values:
        if isinstance(v, RaggedTensor):
            out.append(v)
        else:
            t = convert_to_tensor(v)
            if t.ndim < 2:
                raise ValueError(f"{op}: dense inputs must have rank >= 2 to join ragged "
                                 f"ones; Received: shape {t.shape}")
            out.append(RaggedTensor.from_tensor(t, ragged_rank=min(ragged_rank, t.ndim - 1)))
    return out


def _splits_np(rt):
    return concrete(rt.row_splits, "ragged concat")


def _concat_rows(rts):
    """Axis-0 concatenation of RaggedTensors (rows one after another)."""
    A, _ = _ops()
    vals = [r.values for r in rts]
    if isinstance(vals[0], RaggedTensor):
        values = _concat_rows(vals)
    else:
        values = A.concat(vals, axis=0)
    splits, offset = [np.zeros(1, np.int64)], 0
    for r in rts:
        s = _splits_np(r).astype(np.int64)
        splits.append(s[1:] + offset)
        offset += int(s[-1])
    sd = rts[0].row_splits_dtype._np
    return RaggedTensor(values, Tensor(np.asarray(np.concatenate(splits).astype(sd))),
                        internal=True)


def concat(values, axis, name=None):
    """`tf.concat` with ragged inputs: axis 0 appends rows, axis 1 joins rows pairwise."""
    values = list(values)
    rr = max(v.ragged_rank for v in values if isinstance(v, RaggedTensor))
    rts = _as_ragged(values, rr, "tf.concat")
    rank = rts[0].shape.rank
    if any(r.shape.rank != rank for r in rts):
        raise ValueError(f"tf.concat: all inputs must have the same rank; Received shapes "
                         f"{[str(r.shape) for r in rts]}")
    axis = axis + rank if axis < 0 else axis
    if len({r.ragged_rank for r in rts}) > 1:
        rts = [_raise_ragged_rank(r, rr) for r in rts]
    if axis == 0:
        return _concat_rows(rts)
    nrows = rts[0].shape[0]
    if any(r.shape[0] != nrows for r in rts):
        raise invalid_argument(f"tf.concat: inputs must have the same number of rows to "
                               f"concatenate along axis {axis}; Received shapes "
                               f"{[str(r.shape) for r in rts]}", "RaggedConcat")
    if axis == 1:
        joined = _concat_rows(rts)
        k = len(rts)
        order = np.arange(nrows * k).reshape(k, nrows).T.reshape(-1)  # row i of each input
        inter = _take_rows(joined, order, _splits_np(joined))
        lens = np.diff(_splits_np(inter)).reshape(nrows, k).sum(1)
        splits = np.concatenate([[0], np.cumsum(lens)]).astype(rts[0].row_splits_dtype._np)
        return RaggedTensor(inter.values, Tensor(np.asarray(splits)), internal=True)
    inner_values = [r.values for r in rts]
    if isinstance(inner_values[0], RaggedTensor):
        inner = concat(inner_values, axis - 1)
    else:  # uniform inner dimensions: a dense concat of the flat values
        inner = _ops()[0].concat(inner_values, axis - 1)
    if not all(same_partitions_outer(rts[0], r) for r in rts[1:]):
        raise invalid_argument(f"tf.concat: inputs must have identical row partitions to "
                               f"concatenate along axis {axis}", "RaggedConcat")
    return rts[0].with_values(inner)


def same_partitions_outer(a, b):
    """Equal outer row splits (traced ones, e.g. a compiled Keras step's bucketed batch,
    can't be compared: equal lengths count, as for elementwise ops)."""
    return splits_equal(a.row_splits, b.row_splits)


def _raise_ragged_rank(rt, rr):
    while rt.ragged_rank < rr:
        rt = rt.with_values(RaggedTensor.from_tensor(rt.values, ragged_rank=1)
                            if not isinstance(rt.values, RaggedTensor)
                            else _raise_ragged_rank(rt.values, rr - 1))
    return rt


def stack(values, axis=0, name=None):
    """`tf.ragged.stack`: stacks ragged or dense tensors along a new dimension `axis`.

    >>> import tapeflow as tf
    >>> tf.ragged.stack([tf.constant([1, 2]), tf.constant([3])]).to_list()
    [[1, 2], [3]]
    """
    values = list(values)
    if not any(isinstance(v, RaggedTensor) for v in values):
        ts = [convert_to_tensor(v) for v in values]
        if axis == 0 and all(t.ndim >= 1 for t in ts):
            lens = np.array([t.shape[0] for t in ts])
            A, _ = _ops()
            splits = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
            return RaggedTensor(A.concat(ts, 0), Tensor(np.asarray(splits)), internal=True)
        values = ts
    rr = max((v.ragged_rank for v in values if isinstance(v, RaggedTensor)), default=1)
    rts = _as_ragged(values, rr, "tf.ragged.stack")
    rank = rts[0].shape.rank
    axis = axis + rank + 1 if axis < 0 else axis
    if axis == 0:
        joined = _concat_rows(rts)
        counts = [r.shape[0] for r in rts]
        splits = np.concatenate([[0], np.cumsum(counts)]).astype(rts[0].row_splits_dtype._np)
        return RaggedTensor(joined, Tensor(np.asarray(splits)), internal=True)
    expanded = [expand_dims(r, axis) for r in rts]
    return concat(expanded, axis)


def expand_dims(rt, axis, name=None):
    """Adds a size-1 dimension at `axis` of a RaggedTensor."""
    rank = rt.shape.rank
    axis = axis + rank + 1 if axis < 0 else axis
    n = rt.shape[0]
    sd = rt.row_splits_dtype._np
    if axis == 0:
        return RaggedTensor(rt, Tensor(np.asarray(np.array([0, n], sd))), internal=True)
    if axis == 1:
        splits = Tensor(np.arange(n + 1, dtype=sd))
        return RaggedTensor(rt, splits, Tensor(np.asarray(1, sd)), internal=True)
    if axis <= rt.ragged_rank:
        return rt.with_values(expand_dims(rt.values, axis - 1))
    A, _ = _ops()
    return rt.with_values(A.expand_dims(rt.values, axis - 1))


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """`tf.gather` with ragged params (rows) or ragged indices (result keeps their rows)."""
    _, G = _ops()
    axis = 0 if axis is None else axis
    if isinstance(indices, RaggedTensor):
        flat = indices.flat_values
        picked = gather(params, flat, axis=axis) if isinstance(params, RaggedTensor) else \
            G.gather(params, flat, axis=axis)
        return indices.with_flat_values(picked)
    if axis != 0 or batch_dims:
        raise ValueError("tf.gather on a RaggedTensor supports axis=0 and batch_dims=0; "
                         f"Received: axis={axis}, batch_dims={batch_dims}")
    idx = np.asarray(concrete(convert_to_tensor(indices), "tf.gather"))
    n = params.shape[0]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise invalid_argument(f"indices {idx.tolist()} out of range [0, {n}) for a "
                               f"RaggedTensor with {n} rows", "RaggedGather")
    flat = idx.reshape(-1) % max(n, 1)
    rows = _take_rows(params, flat, _splits_np(params))
    for d in reversed(idx.shape[1:]):
        k = rows.shape[0] // d if d else 0
        rows = RaggedTensor(rows, Tensor(np.arange(k + 1, dtype=rows.row_splits_dtype._np)
                                         * d), Tensor(np.asarray(d)), internal=True)
    return rows if idx.ndim else params[int(idx)]


def where(condition, x=None, y=None, name=None):
    """Elementwise select of ragged tensors with identical partitions."""
    A, _ = _ops()
    if x is None and y is None:
        return A.where(condition.to_tensor() if isinstance(condition, RaggedTensor)
                       else condition)
    items = [v for v in (condition, x, y) if isinstance(v, RaggedTensor)]
    ref = items[0]
    for other in items[1:]:
        if not same_partitions(ref, other):
            raise invalid_argument("tf.where: ragged inputs must have identical row "
                                   f"partitions; Received shapes {ref.shape} and "
                                   f"{other.shape}", "RaggedWhere")
    flat = [v.flat_values if isinstance(v, RaggedTensor) else v for v in (condition, x, y)]
    return ref.with_flat_values(A.where(*flat))


def boolean_mask(data, mask, name=None):
    """`tf.ragged.boolean_mask`: keeps the entries of `data` where `mask` is True.

    A ragged mask must have `data`'s row partitions; the result's rows are shorter.
    A dense 1-D mask selects whole rows.

    >>> import tapeflow as tf
    >>> tf.ragged.boolean_mask(tf.ragged.constant([[1, 2, 3], [4]]),
    ...                        tf.ragged.constant([[True, False, True], [False]])).to_list()
    [[1, 3], []]
    """
    _, G = _ops()
    if isinstance(mask, RaggedTensor):
        if not isinstance(data, RaggedTensor):
            data = RaggedTensor.from_nested_row_splits(data_flat(data, mask),
                                                       mask.nested_row_splits, validate=False)
        if not same_partitions(data, mask):
            raise invalid_argument("tf.ragged.boolean_mask: data and mask must have identical "
                                   f"row partitions; Received shapes {data.shape} and "
                                   f"{mask.shape}", "RaggedBooleanMask")
        keep = np.asarray(concrete(mask.flat_values, "boolean_mask")).astype(bool)
        values = G.boolean_mask(data.flat_values, Tensor(np.asarray(keep)))
        result = values
        counts = keep.astype(np.int64)
        for splits in reversed(mask.nested_row_splits):
            s = concrete(splits, "boolean_mask")
            csum = np.concatenate([[0], np.cumsum(counts)])
            counts_row = csum[s[1:]] - csum[s[:-1]]
            new_splits = np.concatenate([[0], np.cumsum(counts_row)]).astype(s.dtype)
            result = RaggedTensor(result, Tensor(np.asarray(new_splits)), internal=True)
            counts = np.ones(len(s) - 1, np.int64)  # outer rows keep all inner rows
        return result
    m = np.asarray(concrete(convert_to_tensor(mask), "boolean_mask")).astype(bool)
    if isinstance(data, RaggedTensor):
        if m.ndim != 1:
            raise ValueError("tf.ragged.boolean_mask: a dense mask over a RaggedTensor must "
                             f"be 1-D (one flag per row); Received: shape {m.shape}")
        return _take_rows(data, np.nonzero(m)[0], _splits_np(data))
    return G.boolean_mask(data, Tensor(np.asarray(m)))


def data_flat(data, mask):
    """Dense `data` laid out like ragged `mask` (its padded positions dropped)."""
    if mask.ragged_rank == 1:
        return RaggedTensor.from_tensor(data, lengths=mask.row_lengths()).flat_values
    return RaggedTensor.from_tensor(data, ragged_rank=mask.ragged_rank).flat_values


def size(input, out_type=None, name=None):  # noqa: A002 - TF's argument name
    """Number of values of a RaggedTensor (`tf.size`)."""
    fv = input.flat_values
    n = int(np.prod(fv.shape.as_list()))
    return Tensor(jnp.asarray(n, jnp.int32 if out_type is None else
                              convert_to_tensor(0, dtype=out_type)._value.dtype))


def rank(input, name=None):  # noqa: A002
    return Tensor(jnp.asarray(input.shape.rank, jnp.int32))

