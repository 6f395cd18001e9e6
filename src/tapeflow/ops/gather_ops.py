"""Indexing by index tensors: gather, gather_nd, scatter_nd, tensor_scatter_*, boolean_mask.

Batched forms (`batch_dims`) are built from the unbatched ops by folding the
batch dimensions into the indices, so they share their gradients. The gradient
of a gather is a scatter-add (`_scatter_add`), whose own gradient is a gather.

>>> import tapeflow as tf
>>> tf.gather(tf.constant([10, 20, 30]), [2, 0]).numpy().tolist()
[30, 10]
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from .dispatch import norm_axis, out, static_int_list, unary, wrap
from . import array_ops as A

__all__ = ["gather", "gather_nd", "scatter_nd", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_min",
           "tensor_scatter_nd_max", "boolean_mask", "searchsorted"]


def _indices(indices, op_type):
    idx = unary(indices)
    if not idx.dtype.is_integer:
        raise invalid_argument(f"Value for attr 'Tindices' of {idx.dtype.name} is not in the "
                               "list of allowed values: int16, int32, int64", op_type)
    return idx


def _concrete(v):
    return None if isinstance(v, jax.core.Tracer) else np.asarray(v)


def _xp(v):
    """NumPy for string tensors (object arrays), jax.numpy otherwise."""
    return np if isinstance(v, np.ndarray) and v.dtype == object else jnp


def _check_range(idx, n, op_type):
    """TF (on CPU) rejects indices outside [0, n)."""
    v = _concrete(idx._value)
    if v is None or v.size == 0:
        return
    bad = np.flatnonzero((v < 0) | (v >= n))
    if bad.size:
        pos = np.unravel_index(bad[0], v.shape)
        raise invalid_argument(f"indices{list(map(int, pos))} = {v.flat[bad[0]]} is not in "
                               f"[0, {n})", op_type)


# -- gather ------------------------------------------------------------------


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Takes slices of `params` along `axis` at `indices`.

    >>> gather([[1, 2], [3, 4]], [1, 1], axis=1).numpy().tolist()
    [[2, 2], [4, 4]]
    """
    p = unary(params)
    idx = _indices(indices, "GatherV2")
    b = int(batch_dims)
    if b < 0:
        b += idx.ndim
    ax = b if axis is None else norm_axis(axis, p.ndim, "GatherV2")
    if not 0 <= b <= min(idx.ndim, ax):
        raise invalid_argument(f"batch_dims ({batch_dims}) must be in [0, min(rank(indices)="
                               f"{idx.ndim}, axis={ax})]", "GatherV2")
    if p._value.shape[:b] != idx._value.shape[:b]:
        raise invalid_argument(f"params.shape[:{b}] {list(p.shape)[:b]} must equal "
                               f"indices.shape[:{b}] {list(idx.shape)[:b]} (params shape "
                               f"{list(p.shape)}, indices shape {list(idx.shape)})", "GatherV2")
    _check_range(idx, p._value.shape[ax], "GatherV2")
    if b == 0:
        return _gather(p, idx, ax)
    return _batched_gather(p, idx, ax, b)


def _gather(p, idx, ax):
    xp = _xp(p._value)
    v = xp.take(p._value, xp.asarray(idx._value), axis=ax, mode="clip")
    return out(v, "GatherV2", (p, idx), {"axis": ax, "n": p._value.shape[ax]})


def _batched_gather(p, idx, ax, b):
    """Moves `axis` next to the batch dims, folds them in, gathers on axis 0."""
    ps, r = list(p.shape), p.ndim
    bshape, nb, n = ps[:b], int(np.prod(ps[:b])), ps[ax]
    perm = list(np.arange(b)) + [ax] + [i for i in np.arange(b, r) if i != ax]
    mid = [ps[i] for i in np.arange(b, ax)]
    rest = ps[ax + 1:]
    flat = A.reshape(A.transpose(p, perm), [nb * n] + mid + rest)
    ishape = list(idx.shape)[b:]
    off = (jnp.arange(nb) * n).reshape([nb] + [1] * len(ishape)).astype(idx._value.dtype)
    fidx = wrap(idx._value.reshape([nb] + ishape) + off)
    g = A.reshape(_gather(flat, fidx, 0), bshape + ishape + mid + rest)
    nb_, ni, nm = b, len(ishape), len(mid)
    back = (list(np.arange(nb_)) + list(np.arange(nb_ + ni, nb_ + ni + nm))
            + list(np.arange(nb_, nb_ + ni)) + list(np.arange(nb_ + ni + nm, g.ndim)))
    return A.transpose(g, back) if back != list(np.arange(g.ndim)) else g


def _scatter_add(g, idx, ax, n):
    """Inverse of an axis gather: sums slices of `g` into an `n`-long `ax` (differentiable)."""
    g = unary(g)
    shape = list(g.shape)[:ax] + [n] + list(g.shape)[ax + idx.ndim:]
    key = (slice(None),) * ax + (idx._value,)
    v = jnp.zeros(shape, g._value.dtype).at[key].add(g._value, mode="drop")
    return out(v, "GatherGradScatterAdd", (g, idx), {"axis": ax, "n": n})


# -- gather_nd / scatter_nd --------------------------------------------------


def _nd_key(idx_value, xp=jnp):
    return tuple(xp.moveaxis(xp.asarray(idx_value), -1, 0))


def _check_nd(idx, shape, op_type):
    k = idx._value.shape[-1] if idx.ndim else 0
    if idx.ndim == 0 or k > len(shape):
        raise invalid_argument(f"indices.shape[-1] must be <= params.rank, but saw indices "
                               f"shape: {list(idx.shape)} vs. params shape: {list(shape)}",
                               op_type)
    v = _concrete(idx._value)
    if v is not None and v.size:
        v = v.reshape(-1, k)
        bad = np.flatnonzero(((v < 0) | (v >= np.asarray(shape[:k]))).any(axis=1))
        if bad.size:
            raise invalid_argument(f"indices[{bad[0]}] = {v[bad[0]].tolist()} does not index "
                                   f"into param shape {list(shape)}", op_type)
    return k


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gathers slices of `params` addressed by the last axis of `indices`.

    >>> gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]]).numpy().tolist()
    [2, 3]
    """
    p = unary(params)
    idx = _indices(indices, "GatherNd")
    b = int(batch_dims)
    if b:
        if p._value.shape[:b] != idx._value.shape[:b] or b >= idx.ndim:
            raise invalid_argument(f"Batch dimensions of params {list(p.shape)} and indices "
                                   f"{list(idx.shape)} must match (batch_dims={b})", "GatherNd")
        return _batched_gather_nd(p, idx, b)
    k = _check_nd(idx, p.shape.as_list(), "GatherNd")
    xp = _xp(p._value)
    if k == 0:
        v = xp.broadcast_to(p._value, idx._value.shape[:-1] + p._value.shape)
    else:
        v = p._value[_nd_key(idx._value, xp)]
    return out(v, "GatherNd", (p, idx))


def _batched_gather_nd(p, idx, b):
    ps, ishape = list(p.shape), list(idx.shape)
    nb = int(np.prod(ps[:b]))
    flat = A.reshape(p, [nb] + ps[b:])
    inner = ishape[b:]
    fi = idx._value.reshape([nb] + inner)
    lead = jnp.broadcast_to(jnp.arange(nb, dtype=fi.dtype).reshape([nb] + [1] * len(inner)),
                            [nb] + inner[:-1] + [1])
    g = gather_nd(flat, wrap(jnp.concatenate([lead, fi], axis=-1)))
    return A.reshape(g, ps[:b] + list(g.shape)[1:])


def _check_updates(idx, upd, shape, k, op_type):
    want = list(idx.shape)[:-1] + list(shape)[k:]
    if list(upd.shape) != want:
        raise invalid_argument(f"updates shape {list(upd.shape)} must equal indices.shape[:-1] "
                               f"+ shape[indices.shape[-1]:] = {want} (indices shape "
                               f"{list(idx.shape)}, shape {list(shape)})", op_type)


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of `shape` with `updates` added at `indices` (duplicates sum).

    >>> scatter_nd([[1], [3]], [5., 7.], [4]).numpy().tolist()
    [0.0, 5.0, 0.0, 7.0]
    """
    idx = _indices(indices, "ScatterNd")
    u = unary(updates)
    shape = static_int_list(shape)
    k = _check_nd(idx, shape, "ScatterNd")
    _check_updates(idx, u, shape, k, "ScatterNd")
    z = jnp.zeros(shape, u._value.dtype)
    if k == 0:
        v = z + u._value.reshape([-1] + shape).sum(0)
    else:
        v = z.at[_nd_key(idx._value)].add(u._value)
    return out(v, "ScatterNd", (idx, u), {"shape": shape})


def _tensor_scatter(kind, op_type):
    def op(tensor, indices, updates, name=None):
        t = unary(tensor)
        idx = _indices(indices, op_type)
        u = unary(updates)
        if u.dtype != t.dtype:
            raise invalid_argument(f"updates dtype {u.dtype.name} must match tensor dtype "
                                   f"{t.dtype.name}", op_type)
        k = _check_nd(idx, t.shape.as_list(), op_type)
        _check_updates(idx, u, t.shape.as_list(), k, op_type)
        ref = jnp.asarray(t._value).at[_nd_key(idx._value)]
        v = {"set": ref.set, "add": ref.add, "min": ref.min, "max": ref.max,
             "sub": lambda x: ref.add(-x)}[kind](u._value)
        return out(v, op_type, (t, idx, u))
    op.__name__ = f"tensor_scatter_nd_{'update' if kind == 'set' else kind}"
    op.__qualname__ = op.__name__
    op.__doc__ = (f"`tensor` with `updates` combined ({kind}) at `indices`.\n\n"
                  f"    >>> {op.__name__}([1., 2.], [[1]], [5.]).shape\n"
                  "    TensorShape([2])\n")
    return op


tensor_scatter_nd_update = _tensor_scatter("set", "TensorScatterUpdate")
tensor_scatter_nd_add = _tensor_scatter("add", "TensorScatterAdd")
tensor_scatter_nd_sub = _tensor_scatter("sub", "TensorScatterSub")
tensor_scatter_nd_min = _tensor_scatter("min", "TensorScatterMin")
tensor_scatter_nd_max = _tensor_scatter("max", "TensorScatterMax")


# -- masks and searches -----------------------------------------------------


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """Keeps the entries (or slices from `axis` on) where `mask` is True.

    >>> boolean_mask([1, 2, 3], [True, False, True]).numpy().tolist()
    [1, 3]
    """
    x = unary(tensor)
    m = unary(mask)
    k = m.ndim
    ax = 0 if axis is None else norm_axis(axis, x.ndim, "boolean_mask")
    if k == 0:
        raise ValueError("mask cannot be scalar.")
    seg = list(x.shape)[ax:ax + k]
    if seg != list(m.shape):
        raise ValueError(f"Shapes {tuple(seg)} and {tuple(m.shape)} are incompatible: "
                         f"tensor shape {list(x.shape)}, mask shape {list(m.shape)}, "
                         f"axis={ax}")
    mv = _concrete(m._value)
    if mv is None:
        raise TypeError("boolean_mask needs a concrete mask: its result shape depends on it.")
    keep = np.flatnonzero(mv.reshape(-1)).astype(np.int64)
    s = list(x.shape)
    flat = A.reshape(x, s[:ax] + [int(np.prod(seg))] + s[ax + k:])
    return _gather(flat, wrap(jnp.asarray(keep)), ax)


def searchsorted(sorted_sequence, values, side="left", out_type="int32", name=None):
    """Insertion points of `values` into the innermost axis of `sorted_sequence`.

    >>> searchsorted([1., 3., 5.], [0., 3., 6.]).numpy().tolist()
    [0, 1, 3]
    """
    s, v = unary(sorted_sequence), unary(values)
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right'. Received: side={side!r}")
    if s.ndim == 0 or v.ndim == 0 or s._value.shape[:-1] != v._value.shape[:-1]:
        raise invalid_argument(f"Leading dims of sorted_sequence {list(s.shape)} and values "
                               f"{list(v.shape)} must match", "LowerBound")
    lead = v._value.shape[:-1]
    sv = s._value.reshape((-1, s._value.shape[-1]))
    vv = v._value.reshape((-1, v._value.shape[-1]))
    r = jax.vmap(lambda a, q: jnp.searchsorted(a, q, side=side))(sv, vv)
    return wrap(r.reshape(lead + (v._value.shape[-1],)).astype(A._dt(out_type)))
