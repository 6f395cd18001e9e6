"""Gradient rules of gather_ops. A gather's gradient is a scatter-add and vice versa,
so gradients of any order exist."""
from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import gather_ops as G
from . import logic_ops
from . import math_ops as M


@RegisterGradient("GatherV2")
def _gather(op, g):
    p, idx = op.inputs
    return G._scatter_add(g, idx, op.attrs["axis"], op.attrs["n"]), None


@RegisterGradient("GatherGradScatterAdd")
def _scatter_add(op, g):
    return G._gather(g, op.inputs[1], op.attrs["axis"]), None


@RegisterGradient("GatherNd")
def _gather_nd(op, g):
    p, idx = op.inputs
    return G.scatter_nd(idx, g, p.shape.as_list()), None


@RegisterGradient("ScatterNd")
def _scatter_nd(op, g):  # w.r.t. updates only
    return None, G.gather_nd(g, op.inputs[0])


@RegisterGradient("TensorScatterUpdate")
def _update(op, g):  # overwritten entries get nothing; updates get what they landed on
    t, idx, u = op.inputs
    return G.tensor_scatter_nd_update(g, idx, A.zeros_like(u)), None, G.gather_nd(g, idx)


@RegisterGradient("TensorScatterAdd")
def _add(op, g):
    return g, None, G.gather_nd(g, op.inputs[1])


@RegisterGradient("TensorScatterSub")
def _sub(op, g):
    return g, None, M.negative(G.gather_nd(g, op.inputs[1]))


def _minmax(op, g):  # g goes to whichever side produced the result (both on ties)
    t, idx, u = op.inputs
    res = op.outputs[0]
    zero = A.zeros_like(g)
    gt = A.where(logic_ops.equal(res, t), g, zero)
    gu = G.gather_nd(g, idx)
    gu = A.where(logic_ops.equal(G.gather_nd(res, idx), u), gu, A.zeros_like(gu))
    return gt, None, gu


RegisterGradient("TensorScatterMin")(_minmax)
RegisterGradient("TensorScatterMax")(_minmax)
