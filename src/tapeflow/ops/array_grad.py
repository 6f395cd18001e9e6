"""Gradient rules of array_ops and slicing, one per op type."""
from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import math_ops as M



@RegisterGradient("Identity")
def _identity(op, g):
    return g


@RegisterGradient("Reshape")
def _reshape(op, g):
    return A.reshape(g, op.inputs[0].shape.as_list())


@RegisterGradient("BroadcastTo")
def _broadcast_to(op, g):  # the engine sums g back to the input's shape
    return g


@RegisterGradient("Transpose")
def _transpose(op, g):  # inverse permutation
    perm = op.attrs["perm"]
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return A.transpose(g, inv)


@RegisterGradient("ConcatV2")
def _concat(op, g):  # split g back into the pieces
    ax, sizes = op.attrs["axis"], op.attrs["sizes"]
    return A.split(g, sizes, axis=ax)


@RegisterGradient("Pack")
def _pack(op, g):
    return A.unstack(g, axis=op.attrs["axis"])


@RegisterGradient("Unpack")
def _unpack(op, *gs):
    return A.stack(list(gs), axis=op.attrs["axis"])


@RegisterGradient("SelectV2")
def _select(op, g):  # g flows to the chosen branch
    c, x, y = op.inputs
    zero = A.zeros_like(g)
    return None, A.where(c, g, zero), A.where(c, zero, g)


@RegisterGradient("Split")
def _split(op, *gs):
    return A.concat(list(gs), axis=op.attrs["axis"])



@RegisterGradient("Fill")
def _fill(op, g):  # the engine sums g down to the scalar value
    return g


@RegisterGradient("EnsureShape")
def _ensure_shape(op, g):
    return g


@RegisterGradient("LinSpace")
def _linspace(op, g):  # out = start + t * (stop - start), t = k / (num - 1)
    ax, n = op.attrs["axis"], op.attrs["num"]
    t = A.range(n, dtype=g.dtype) if n > 1 else A.zeros([n], g.dtype)
    if n > 1:
        t = M.divide(t, float(n - 1))
    shape = [1] * g.ndim
    shape[ax] = n
    t = A.reshape(t, shape)
    g_stop = M.reduce_sum(M.multiply(g, t), axis=ax)
    g_start = M.reduce_sum(M.subtract(g, M.multiply(g, t)), axis=ax)
    return g_start, g_stop
