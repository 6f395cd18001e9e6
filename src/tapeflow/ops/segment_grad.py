"""Gradient rules of segment_ops: segment sums and gathers are each other's adjoints."""
import jax.numpy as jnp

from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from . import segment_ops as S
from .dispatch import wrap


@RegisterGradient("GatherDropNegatives")
def _gather(op, g):
    return S.unsorted_segment_sum(g, op.attrs["ids"], op.attrs["num"])


@RegisterGradient("UnsortedSegmentSum")
def _segment_sum(op, g):
    return S.gather_drop_negatives(g, op.attrs["ids"])


def _extreme_grad(op, g):  # the gradient is shared evenly by the rows that hit the extreme
    data, ids, num = op.inputs[0], op.attrs["ids"], op.attrs["num"]
    back = S.gather_drop_negatives(op.outputs[0], ids)
    valid = wrap(jnp.asarray((ids >= 0).reshape(ids.shape + (1,) * (data.ndim - ids.ndim))))
    selected = logic_ops.logical_and(logic_ops.equal(data, back), valid)
    count = S.unsorted_segment_sum(M.cast(selected, g.dtype), ids, num)
    share = S.gather_drop_negatives(M.truediv(g, count), ids)
    return A.where(selected, share, A.zeros_like(share))


RegisterGradient("UnsortedSegmentMax")(_extreme_grad)
RegisterGradient("UnsortedSegmentMin")(_extreme_grad)


@RegisterGradient("UnsortedSegmentProd")
def _segment_prod(op, g):  # prod / x, with zeros handled by the product of the others
    data, ids, num = op.inputs[0], op.attrs["ids"], op.attrs["num"]
    zero = A.zeros_like(data)
    is_zero = logic_ops.equal(data, zero)
    zeros_per_seg = S.unsorted_segment_sum(M.cast(is_zero, data.dtype), ids, num)
    g = A.where(logic_ops.greater(zeros_per_seg, 1.0), A.zeros_like(g), g)  # 2+ zeros: no gradient
    nonzero = A.where(is_zero, A.ones_like(data), data)
    nonzero_prod = S.gather_drop_negatives(S.unsorted_segment_prod(nonzero, ids, num), ids)
    prod = S.gather_drop_negatives(op.outputs[0], ids)
    others = A.where(is_zero, nonzero_prod, M.truediv(prod, nonzero))
    return M.multiply(S.gather_drop_negatives(g, ids), others)
