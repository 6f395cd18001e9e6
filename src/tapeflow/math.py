"""`tf.math`: the math namespace, built here from the ops modules that define it.

Every public op of math_ops (`__all__` and `MATH_NAMES`), of the logic,
elementwise, reduction, sort, segment and einsum ops modules (their `__all__`
and `MATH_ONLY`), plus TF's tf.math aliases of a few tf.nn ops.

>>> import tapeflow as tf
>>> float(tf.math.erf(tf.constant(0.)))
0.0
"""
from .ops import (einsum_ops, elementwise_ops, logic_ops, math_ops, reduction_ops, segment_ops,
                  sort_ops)
from .ops.nn_ops import l2_normalize, log_softmax, softmax, softplus, softsign  # noqa: F401

__all__ = []
for _mod in (math_ops, logic_ops, elementwise_ops, reduction_ops, sort_ops, segment_ops,
             einsum_ops):
    _names = list(getattr(_mod, "MATH_NAMES", [])) or _mod.__all__ + _mod.MATH_ONLY
    globals().update((_n, getattr(_mod, _n)) for _n in _names)
    __all__ += _names
__all__ += ["l2_normalize", "log_softmax", "softmax", "softplus", "softsign"]
del _mod, _names, einsum_ops, elementwise_ops, logic_ops, math_ops, reduction_ops, segment_ops
del sort_ops

from .ops import special_grad as _special_grad  # noqa: E402,F401 - registers gradients
from .ops.special_ops import (betainc, bessel_i0, bessel_i0e, bessel_i1,  # noqa: E402,F401
                              bessel_i1e, erfcinv, igamma, igammac, invert_permutation,
                              lbeta, nextafter, reciprocal_no_nan, zero_fraction, zeta)
from . import special_functions as special  # noqa: E402,F401 - tf.math.special

__all__ += ["betainc", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "erfcinv",
            "igamma", "igammac", "invert_permutation", "lbeta", "nextafter",
            "reciprocal_no_nan", "zero_fraction", "zeta", "special"]
