"""More elementwise math: special functions, safe division, NaN tests, complex parts.

Gradients are in elementwise_grad.py. Re-exported by math_ops (so `tf.math.erf`,
`tf.atan2`, ...).

>>> import tapeflow as tf
>>> tf.math.divide_no_nan(tf.constant([1., 2.]), tf.constant([0., 4.])).numpy()
array([0. , 0.5], dtype=float32)
"""
import jax
import jax.numpy as jnp
import jax.scipy.special as jss
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from . import math_ops as M
from .dispatch import binary, check_float, out, to_tensor, unary, wrap

# Names TF also has at top level (tf.atan2, tf.real, ...); the rest are tf.math only.
__all__ = ["atan2", "real", "imag", "conj", "complex", "scalar_mul", "truncatediv",
           "truncatemod"]
MATH_ONLY = ["erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma", "xlogy", "xdivy",
             "xlog1py", "log_sigmoid", "divide_no_nan", "multiply_no_nan", "is_nan",
             "is_finite", "is_inf", "angle", "polyval", "rint", "ndtri"]


def _unary_float(fn, op_type, doc):
    def op(x, name=None):
        x = check_float(unary(x), op_type)
        return out(fn(x._value), op_type, (x,))
    op.__name__ = op_type.lower()
    op.__doc__ = doc
    return op


erf = _unary_float(lax.erf, "Erf", "Gauss error function: `tf.math.erf([0.]) -> [0.]`.")
erfc = _unary_float(lax.erfc, "Erfc", "Complementary error function 1 - erf(x).")
erfinv = _unary_float(lax.erf_inv, "Erfinv", "Inverse of erf: `erfinv(erf(x)) == x`.")
ndtri = _unary_float(jss.ndtri, "Ndtri", "Inverse of the standard normal CDF.")
lgamma = _unary_float(lax.lgamma, "Lgamma", "log|Gamma(x)|: `lgamma(3.) -> log(2.)`.")
digamma = _unary_float(lax.digamma, "Digamma", "Derivative of lgamma: psi(x).")
log_sigmoid = _unary_float(jax.jit(lambda v: -jnp.logaddexp(0, -v)), "LogSigmoid",
                           "log(sigmoid(x)), computed stably: `log_sigmoid(0.) -> -0.693`.")


def rint(x, name=None):
    """Round half to even: `tf.math.rint([0.5, 1.5]) -> [0., 2.]`."""
    x = check_float(unary(x), "Rint")
    return out(jnp.round(x._value), "Rint", (x,))


def polygamma(a, x, name=None):
    """n-th derivative of digamma: `polygamma(1., x)` is the trigamma function."""
    a, x = binary(a, x, "Polygamma")
    check_float(x, "Polygamma")
    return out(_polygamma(a._value, x._value), "Polygamma", (a, x))


@jax.jit
def _polygamma(a, x):
    a, x = jnp.broadcast_arrays(a, x)
    n = jnp.round(a)
    v = jss.polygamma(n.astype(jnp.int32), x).astype(x.dtype)
    return jnp.where((n == a) & (n >= 0), v, jnp.nan)  # defined for whole a >= 0 only


def _binary_float(fn, op_type, doc):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        check_float(x, op_type)
        return out(fn(x._value, y._value), op_type, (x, y))
    op.__name__ = op_type.lower()
    op.__doc__ = doc
    return op


def _where_x0(f):
    return jax.jit(lambda x, y: jnp.where(x == 0, jnp.zeros((), x.dtype), f(x, y)))


xlogy = _binary_float(_where_x0(lambda x, y: x * jnp.log(y)), "Xlogy",
                      "x * log(y), and 0 where x == 0: `xlogy(0., 0.) -> 0.`.")
xdivy = _binary_float(_where_x0(lambda x, y: x / y), "Xdivy",
                      "x / y, and 0 where x == 0: `xdivy(0., 0.) -> 0.`.")
xlog1py = _binary_float(_where_x0(lambda x, y: x * jnp.log1p(y)), "Xlog1py",
                        "x * log1p(y), and 0 where x == 0.")
atan2 = _binary_float(jnp.arctan2, "Atan2",
                      "Elementwise arctan(y / x) with the quadrant: `atan2(1., -1.) -> 2.356`.")
divide_no_nan = _binary_float(jax.jit(
    lambda x, y: jnp.where(y == 0, jnp.zeros((), x.dtype), x / jnp.where(y == 0, 1, y))),
    "DivNoNan", "x / y, and 0 where y == 0: `divide_no_nan(1., 0.) -> 0.`.")
multiply_no_nan = _binary_float(
    jax.jit(lambda x, y: jnp.where(y == 0, jnp.zeros((), x.dtype), x * y)),
    "MulNoNan", "x * y, and 0 where y == 0 even if x is NaN or inf.")


def _float_test(fn, op_type, doc):
    def op(x, name=None):
        x = unary(x)
        if not x.dtype.is_floating:
            raise invalid_argument(f"Value for attr 'T' of {x.dtype.name} is not in the list "
                                   "of allowed values: bfloat16, half, float, double", op_type)
        return wrap(fn(x._value))
    op.__name__ = op_type.lower()
    op.__doc__ = doc
    return op


is_nan = _float_test(jnp.isnan, "IsNan",
                     "Elementwise NaN test: `is_nan([nan, 1.]) -> [True, False]`.")
is_inf = _float_test(jnp.isinf, "IsInf", "Elementwise +-inf test.")
is_finite = _float_test(jnp.isfinite, "IsFinite", "Elementwise test: not NaN and not inf.")


def scalar_mul(scalar, x, name=None):
    """Multiplies `x` by a scalar: `tf.scalar_mul(2., tf.constant([1., 2.])) -> [2., 4.]`."""
    s = to_tensor(scalar, dtype_hint=unary(x).dtype)
    if s.ndim != 0:
        raise ValueError(f"Only scalar multiply works, got shape {s.shape}")
    return M.multiply(s, x)


def truncatediv(x, y, name=None):
    """Division rounding toward zero: `truncatediv(-7, 2) -> -3`."""
    x, y = binary(x, y, "TruncateDiv")
    if x.dtype.is_integer:
        return wrap(lax.div(x._value, y._value))
    return wrap(jnp.trunc(x._value / y._value))


def truncatemod(x, y, name=None):
    """Remainder with the sign of x (C's fmod): `truncatemod(-7, 2) -> -1`."""
    x, y = binary(x, y, "TruncateMod")
    return out(jnp.fmod(x._value, y._value), "TruncateMod", (x, y))


def polyval(coeffs, x, name=None):
    """Evaluates sum(coeffs[i] * x**(n-1-i)) by Horner's rule.

    >>> tf.math.polyval([2., 0., 1.], tf.constant(3.)).numpy()  # 2*9 + 1
    19.0
    """
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type. Received: coeffs={coeffs!r}")
    x = unary(x)
    if not coeffs:
        return M.multiply(x, 0)
    acc = to_tensor(coeffs[0], dtype_hint=x.dtype)
    for c in coeffs[1:]:
        acc = M.add(M.multiply(acc, x), to_tensor(c, dtype_hint=x.dtype))
    return acc


# -- complex numbers -------------------------------------------------------------


def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """Builds complex numbers: float32 parts give complex64, float64 give complex128."""
    re, im = binary(real, imag, "Complex")
    if re.dtype not in (dtypes.float32, dtypes.float64):
        raise TypeError(f"real and imag must be float32 or float64, got {re.dtype.name}")
    return out(lax.complex(re._value, im._value), "Complex", (re, im))


def real(input, name=None):  # noqa: A002
    """Real part; a real input is returned unchanged."""
    x = unary(input)
    if not x.dtype.is_complex:
        return x
    return out(jnp.real(x._value), "Real", (x,))


def imag(input, name=None):  # noqa: A002
    """Imaginary part; zeros for a real input."""
    x = unary(input)
    if not x.dtype.is_complex:
        return wrap(jnp.zeros_like(x._value))
    return out(jnp.imag(x._value), "Imag", (x,))


def conj(x, name=None):
    """Complex conjugate; a real input is returned unchanged."""
    x = unary(x)
    if not x.dtype.is_complex:
        return x
    return out(jnp.conj(x._value), "Conj", (x,))


def angle(input, name=None):  # noqa: A002
    """Argument of complex numbers; for reals, 0 or pi by sign."""
    x = unary(input)
    if not x.dtype.is_complex:
        return wrap(jnp.where(x._value < 0, jnp.pi, 0).astype(x._value.dtype))
    return out(jnp.angle(x._value), "Angle", (x,))
