"""Special functions missing from the core set: igamma/igammac, zeta, betainc, Bessel
i0/i0e/i1/i1e, lbeta, erfcinv, reciprocal_no_nan, zero_fraction, invert_permutation,
nextafter. Gradients are in special_grad.py.

>>> import tapeflow as tf
>>> round(float(tf.math.igamma(1.0, 1.0)), 5)  # 1 - exp(-1)
0.63212
"""
import jax.numpy as jnp
import jax.scipy.special as jss
import numpy as np
from jax import lax

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from . import elementwise_ops as E
from . import math_ops as M
from .dispatch import binary, check_float, out, wrap
from .elementwise_ops import _unary_float

__all__ = ["igamma", "igammac", "zeta", "betainc", "bessel_i0", "bessel_i0e", "bessel_i1",
           "bessel_i1e", "lbeta", "erfcinv", "reciprocal_no_nan", "zero_fraction",
           "invert_permutation", "nextafter"]


def igamma(a, x, name=None):
    """Regularized lower incomplete gamma P(a, x)."""
    a, x = binary(a, x, "Igamma")
    check_float(a, "Igamma")
    return out(lax.igamma(a._value, x._value), "Igamma", (a, x))


def igammac(a, x, name=None):
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x)."""
    a, x = binary(a, x, "Igammac")
    check_float(a, "Igammac")
    return out(lax.igammac(a._value, x._value), "Igammac", (a, x))


def zeta(x, q, name=None):
    """Hurwitz zeta function sum_k (k + q)^-x."""
    x, q = binary(x, q, "Zeta")
    check_float(x, "Zeta")
    return out(jss.zeta(x._value, q._value), "Zeta", (x, q))


def betainc(a, b, x, name=None):
    """Regularized incomplete beta I_x(a, b)."""
    a, b = binary(a, b, "Betainc")
    _, x = binary(a, x, "Betainc")
    check_float(a, "Betainc")
    av, bv, xv = jnp.broadcast_arrays(a._value, b._value, x._value)
    return out(jss.betainc(av, bv, xv), "Betainc", (a, b, x))


bessel_i0 = _unary_float(jss.i0, "BesselI0", "Modified Bessel function of order 0.")
bessel_i0e = _unary_float(jss.i0e, "BesselI0e", "Exponentially scaled bessel_i0: exp(-|x|) I0(x).")
bessel_i1 = _unary_float(jss.i1, "BesselI1", "Modified Bessel function of order 1.")
bessel_i1e = _unary_float(jss.i1e, "BesselI1e", "Exponentially scaled bessel_i1: exp(-|x|) I1(x).")


def lbeta(x, name=None):
    """log|B(x)| over the last axis: sum(lgamma(x)) - lgamma(sum(x))."""
    x = check_float(convert_to_tensor(x), "Lbeta")
    return M.subtract(M.reduce_sum(E.lgamma(x), axis=-1),
                      E.lgamma(M.reduce_sum(x, axis=-1)))


def erfcinv(x, name=None):
    """Inverse of erfc: erfinv(1 - x)."""
    x = check_float(convert_to_tensor(x), "Erfcinv")
    return E.erfinv(M.subtract(1.0, x))


def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x == 0."""
    x = convert_to_tensor(x)
    return E.divide_no_nan(M.cast(1, x.dtype), x)


def zero_fraction(value, name=None):
    """The fraction of zeros in `value` (float32)."""
    v = convert_to_tensor(value)
    return wrap(jnp.mean((v._value == 0).astype(jnp.float32)))


def invert_permutation(x, name=None):
    """y with y[x[i]] = i for a permutation x."""
    x = convert_to_tensor(x)
    p = np.asarray(x.numpy())
    if p.ndim != 1 or sorted(p.tolist()) != list(range(len(p))):
        raise invalid_argument(f"x must be a permutation of 0..{len(p) - 1}; Received: "
                               f"{p.tolist()}", "InvertPermutation")
    inv = np.empty_like(p)
    inv[p] = np.arange(len(p), dtype=p.dtype)
    return Tensor(jnp.asarray(inv))


def nextafter(x1, x2, name=None):
    """The next representable value after x1 towards x2."""
    a, b = binary(x1, x2, "NextAfter")
    return wrap(jnp.nextafter(a._value, b._value))
