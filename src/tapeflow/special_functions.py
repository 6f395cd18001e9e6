"""`tf.math.special`: Bessel functions (the core ones live in ops/special_ops.py).

>>> import tapeflow as tf
>>> round(float(tf.math.special.bessel_i0(0.0)), 5)
1.0
"""
from .ops.special_ops import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: F401

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"]
