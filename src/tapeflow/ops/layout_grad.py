"""Gradient rules of layout_ops (Tile, Pad, ReverseV2, Roll, ReverseSequence)."""
import builtins

from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import math_ops as M
from . import layout_ops as L
from .slicing import getitem


@RegisterGradient("Tile")
def _tile(op, g):  # view g as [m0, d0, m1, d1, ...] and sum the m's
    m = op.attrs["multiples"]
    dims = op.inputs[0].shape.as_list()
    split = [v for k, d in zip(m, dims) for v in (k, d)]
    summed = M.reduce_sum(A.reshape(g, split), axis=list(builtins.range(0, 2 * len(m), 2)))
    return A.reshape(summed, dims)


@RegisterGradient("Pad")
def _pad(op, g):  # the unpadded window of g
    dims = op.inputs[0].shape.as_list()
    key = tuple(builtins.slice(b, b + d) for (b, _), d in zip(op.attrs["paddings"], dims))
    return getitem(g, key)


@RegisterGradient("ReverseV2")
def _reverse(op, g):
    return L.reverse(g, op.attrs["axes"])


@RegisterGradient("Roll")
def _roll(op, g):
    return L.roll(g, [-s for s in op.attrs["shift"]], op.attrs["axis"])


@RegisterGradient("ReverseSequence")
def _reverse_sequence(op, g):  # the permutation is its own inverse
    return L.reverse_sequence(g, op.inputs[1], op.attrs["seq_axis"], op.attrs["batch_axis"]), None
