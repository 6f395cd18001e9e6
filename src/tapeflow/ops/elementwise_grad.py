"""Gradient rules of elementwise_ops, written with tapeflow ops only."""
import math

from ..framework.gradient_registry import NotDifferentiable, RegisterGradient
from . import array_ops as A
from . import elementwise_ops as E
from . import logic_ops
from . import math_ops as M

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@RegisterGradient("Erf")
def _erf(op, g):  # 2/sqrt(pi) exp(-x^2)
    x = op.inputs[0]
    return M.multiply(g, M.multiply(M.exp(M.negative(M.square(x))), _TWO_OVER_SQRT_PI))


@RegisterGradient("Erfc")
def _erfc(op, g):
    x = op.inputs[0]
    return M.multiply(g, M.multiply(M.exp(M.negative(M.square(x))), -_TWO_OVER_SQRT_PI))


@RegisterGradient("Erfinv")
def _erfinv(op, g):  # sqrt(pi)/2 exp(y^2)
    y = op.outputs[0]
    return M.multiply(g, M.multiply(M.exp(M.square(y)), 1.0 / _TWO_OVER_SQRT_PI))


@RegisterGradient("Ndtri")
def _ndtri(op, g):  # sqrt(2 pi) exp(y^2 / 2)
    y = op.outputs[0]
    return M.multiply(g, M.multiply(M.exp(M.multiply(M.square(y), 0.5)),
                                    math.sqrt(2 * math.pi)))


@RegisterGradient("Lgamma")
def _lgamma(op, g):
    return M.multiply(g, E.digamma(op.inputs[0]))


@RegisterGradient("Digamma")
def _digamma(op, g):
    x = op.inputs[0]
    return M.multiply(g, E.polygamma(A.ones_like(x), x))


@RegisterGradient("Polygamma")
def _polygamma(op, g):
    a, x = op.inputs
    return None, M.multiply(g, E.polygamma(M.add(a, 1.0), x))


@RegisterGradient("LogSigmoid")
def _log_sigmoid(op, g):  # sigmoid(-x)
    return M.multiply(g, M.sigmoid(M.negative(op.inputs[0])))


def _nonzero(x):
    return M.cast(logic_ops.not_equal(x, 0.0), x.dtype)


@RegisterGradient("Xlogy")
def _xlogy(op, g):
    x, y = op.inputs
    return (M.multiply(g, E.xlogy(_nonzero(x), y)), M.multiply(g, E.xdivy(x, y)))


@RegisterGradient("Xdivy")
def _xdivy(op, g):
    x, y = op.inputs
    return (M.multiply(g, E.xdivy(_nonzero(x), y)),
            M.negative(M.multiply(g, E.xdivy(x, M.square(y)))))


@RegisterGradient("Xlog1py")
def _xlog1py(op, g):
    x, y = op.inputs
    return (M.multiply(g, E.xlog1py(_nonzero(x), y)),
            M.multiply(g, E.xdivy(x, M.add(y, 1.0))))


@RegisterGradient("Atan2")
def _atan2(op, g):  # d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)
    y, x = op.inputs
    inv = M.reciprocal(M.add(M.square(x), M.square(y)))
    return M.multiply(g, M.multiply(x, inv)), M.negative(M.multiply(g, M.multiply(y, inv)))


@RegisterGradient("DivNoNan")
def _div_no_nan(op, g):
    x, y = op.inputs
    return (E.divide_no_nan(g, y),
            M.multiply(g, E.divide_no_nan(E.divide_no_nan(M.negative(x), y), y)))


@RegisterGradient("MulNoNan")
def _mul_no_nan(op, g):
    x, y = op.inputs
    return E.multiply_no_nan(g, y), E.multiply_no_nan(x, g)


@RegisterGradient("TruncateMod")
def _truncatemod(op, g):  # x - trunc(x / y) y
    x, y = op.inputs
    return g, M.negative(M.multiply(g, E.truncatediv(x, y)))


NotDifferentiable("Rint")


# -- complex: gradient of a real loss L w.r.t. z is dL/dRe(z) + i dL/dIm(z), as TF --


@RegisterGradient("Complex")
def _complex(op, g):
    return E.real(g), E.imag(g)


@RegisterGradient("Real")
def _real(op, g):
    return E.complex(g, A.zeros_like(g))


@RegisterGradient("Imag")
def _imag(op, g):
    return E.complex(A.zeros_like(g), g)


@RegisterGradient("Conj")
def _conj(op, g):
    return E.conj(g)


@RegisterGradient("Angle")
def _angle(op, g):  # (-Im z + i Re z) / |z|^2
    z = op.inputs[0]
    inv = M.reciprocal(E.complex(E.imag(z), E.real(z)))
    return M.negative(M.multiply(E.complex(g, A.zeros_like(g)), inv))
