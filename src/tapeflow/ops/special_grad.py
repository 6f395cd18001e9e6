"""Gradient rules of special_ops, written with tapeflow ops."""
from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import elementwise_ops as E
from . import logic_ops as L
from . import math_ops as M
from . import special_ops as S


@RegisterGradient("Igamma")
def _igamma(op, g):  # dP/dx = exp(-x) x^(a-1) / Gamma(a); no gradient for a (as TF's default)
    a, x = op.inputs
    d = M.exp(M.subtract(M.subtract(E.xlogy(M.subtract(a, 1.0), x), x), E.lgamma(a)))
    return None, M.multiply(g, d)


@RegisterGradient("Igammac")
def _igammac(op, g):
    a, x = op.inputs
    d = M.exp(M.subtract(M.subtract(E.xlogy(M.subtract(a, 1.0), x), x), E.lgamma(a)))
    return None, M.negative(M.multiply(g, d))


@RegisterGradient("Zeta")
def _zeta(op, g):  # d/dq zeta(x, q) = -x zeta(x + 1, q)
    x, q = op.inputs
    return None, M.multiply(g, M.negative(M.multiply(x, S.zeta(M.add(x, 1.0), q))))


@RegisterGradient("Betainc")
def _betainc(op, g):  # d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)
    a, b, x = op.inputs
    log_beta = M.subtract(M.add(E.lgamma(a), E.lgamma(b)), E.lgamma(M.add(a, b)))
    d = M.exp(M.subtract(M.add(E.xlogy(M.subtract(a, 1.0), x),
                               E.xlog1py(M.subtract(b, 1.0), M.negative(x))), log_beta))
    return None, None, M.multiply(g, d)


@RegisterGradient("BesselI0")
def _i0(op, g):
    return M.multiply(g, S.bessel_i1(op.inputs[0]))


@RegisterGradient("BesselI0e")
def _i0e(op, g):
    x = op.inputs[0]
    return M.multiply(g, M.subtract(S.bessel_i1e(x), M.multiply(M.sign(x), op.outputs[0])))


@RegisterGradient("BesselI1")
def _i1(op, g):  # I1' = I0 - I1 / x (-> 1/2 at 0)
    x, y = op.inputs[0], op.outputs[0]
    ratio = E.divide_no_nan(y, x)
    d = M.subtract(S.bessel_i0(x), ratio)
    return M.multiply(g, A.where(L.equal(x, 0.0), A.fill(A.shape(x), M.cast(0.5, x.dtype)), d))


@RegisterGradient("BesselI1e")
def _i1e(op, g):  # I1e' = I0e - I1e (sign(x) + 1/x)
    x, y = op.inputs[0], op.outputs[0]
    d = M.subtract(S.bessel_i0e(x), M.add(M.multiply(M.sign(x), y), E.divide_no_nan(y, x)))
    return M.multiply(g, A.where(L.equal(x, 0.0), A.fill(A.shape(x), M.cast(0.5, x.dtype)), d))
