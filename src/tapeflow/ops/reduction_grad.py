"""Gradient rule of cumulative_logsumexp (the other reduction_ops are compositions)."""
from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from . import reduction_ops as R


def _log_part(g, positive):
    """log(max(+-g, 0)), -inf where that part is empty."""
    g = g if positive else M.negative(g)
    pos = logic_ops.greater(g, 0)
    ninf = M.multiply(A.ones_like(g), float("-inf"))
    return A.where(pos, M.log(A.where(pos, g, A.ones_like(g))), ninf)


@RegisterGradient("CumulativeLogsumexp")
def _cumlogsumexp(op, g):
    # dx_i = sum over outputs j that include x_i of g_j exp(x_i - y_j): a reversed
    # cumulative logsumexp of log(g) - y, split into the positive and negative parts of g.
    x, y = op.inputs[0], op.outputs[0]
    a = op.attrs

    def part(positive):
        lg = _log_part(g, positive)
        z = A.where(logic_ops.equal(y, float("-inf")), lg, M.subtract(lg, y))  # empty y_j adds 0
        c = R.cumulative_logsumexp(z, axis=a["axis"], exclusive=a["exclusive"],
                                   reverse=not a["reverse"])
        return M.exp(M.add(c, x))

    return M.subtract(part(True), part(False))
