"""`tf.math`: the math namespace (every public op of tapeflow.ops.math_ops and the
modules it re-exports: logic, elementwise, reduction, sort, segment and einsum ops),
plus TF's tf.math aliases of a few tf.nn ops.

>>> import tapeflow as tf
>>> tf.math.erf(tf.constant(0.)).numpy()
0.0
"""
from .ops import math_ops as _math_ops
from .ops.nn_ops import l2_normalize, log_softmax, softmax, softplus, softsign  # noqa: F401

globals().update({_n: getattr(_math_ops, _n) for _n in _math_ops.MATH_NAMES})
__all__ = list(_math_ops.MATH_NAMES) + ["l2_normalize", "log_softmax", "softmax", "softplus",
                                        "softsign"]
