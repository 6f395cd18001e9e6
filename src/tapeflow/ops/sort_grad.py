"""Gradient rules of sort_ops: top_k scatters back, sort un-permutes."""
from ..framework.gradient_registry import NotDifferentiable, RegisterGradient
from . import array_ops as A
from . import math_ops as M
from . import sort_ops as S
from .shape_ops import one_hot


@RegisterGradient("TopKV2")
def _top_k(op, g_values, g_indices):  # each value's gradient goes back to its position
    x = op.inputs[0]
    n = x.shape[-1]
    hot = one_hot(op.outputs[1], n, dtype=g_values.dtype)  # [..., k, n]
    return M.reduce_sum(M.multiply(A.expand_dims(g_values, -1), hot), axis=-2)


@RegisterGradient("TakeAlongAxis")
def _take_along(op, g):  # the inverse permutation undoes the forward one
    a = op.attrs
    return S.take_along_axis(g, a["inv"], a["axis"])


NotDifferentiable("Unique")
