"""`tf.math`: the math namespace (re-exports of tapeflow.ops.math_ops)."""
from .ops.math_ops import (  # noqa: F401
    abs, acos, acosh, add, add_n, argmax, argmin, asin, asinh, atan, atanh, cast, ceil,
    clip_by_value, cos, cosh, cumprod, cumsum, divide, equal, exp, expm1, floor, floordiv,
    floormod, greater, greater_equal, invert, less, less_equal, log, log1p, logical_and,
    logical_not, logical_or, logical_xor, matmul, maximum, minimum, mod, multiply, negative,
    not_equal, pow, realdiv, reciprocal, reduce_all, reduce_any, reduce_max, reduce_mean,
    reduce_min, reduce_prod, reduce_sum, round, rsqrt, saturate_cast, sigmoid, sign, sin,
    sinh, sqrt, square, squared_difference, subtract, tan, tanh, truediv)
