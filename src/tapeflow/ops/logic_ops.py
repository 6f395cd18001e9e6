"""Comparisons, logic and bitwise ops (never differentiable; results are bool or int).

Re-exported by math_ops, so they are `tf.equal`, `tf.math.logical_xor`, ...

>>> import tapeflow as tf
>>> tf.equal(tf.constant([1, 2]), 2).numpy()
array([False,  True])
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from .dispatch import binary, unary, wrap

__all__ = ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
           "logical_and", "logical_or", "logical_xor", "logical_not"]
MATH_ONLY = ["is_non_decreasing", "is_strictly_increasing", "invert"]
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert"]

# -- comparisons and logic (never differentiable) -------------------------------


def _compare(fn, op_type):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        if x.dtype is dtypes.string:
            return wrap(jnp.asarray(fn(np.asarray(x._value), np.asarray(y._value))))
        return wrap(fn(x._value, y._value))
    op.__name__ = op_type.lower()
    op.__doc__ = f"Elementwise {op_type} with broadcasting; returns bool."
    return op


equal = _compare(lambda a, b: a == b, "Equal")
not_equal = _compare(lambda a, b: a != b, "NotEqual")
greater = _compare(jnp.greater, "Greater")
greater_equal = _compare(jnp.greater_equal, "GreaterEqual")
less = _compare(jnp.less, "Less")
less_equal = _compare(jnp.less_equal, "LessEqual")


def _logical(fn, op_type):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        if x.dtype is not dtypes.bool:
            raise invalid_argument(f"cannot compute {op_type} as input #0(zero-based) was "
                                   f"expected to be a bool tensor but is a {x.dtype.name} "
                                   "tensor", op_type)
        return wrap(fn(x._value, y._value))
    op.__name__ = op_type.lower()
    op.__doc__ = f"Elementwise {op_type} of bool tensors: `{op_type}([True], [False])`."
    return op


logical_and = _logical(jnp.logical_and, "LogicalAnd")
logical_or = _logical(jnp.logical_or, "LogicalOr")
logical_xor = _logical(jnp.logical_xor, "LogicalXor")


def logical_not(x, name=None):
    """Elementwise not of a bool tensor: `tf.logical_not([True]) -> [False]`."""
    x = unary(x)
    if x.dtype is not dtypes.bool:
        raise invalid_argument(f"cannot compute LogicalNot as input #0(zero-based) was "
                               f"expected to be a bool tensor but is a {x.dtype.name} tensor",
                               "LogicalNot")
    return wrap(jnp.logical_not(x._value))


def _monotone(x, strict):
    v = unary(x)._value.reshape(-1)
    d = v[1:] > v[:-1] if strict else v[1:] >= v[:-1]
    return wrap(jnp.all(d))


def is_non_decreasing(x, name=None):
    """True if each entry (in row-major order) is >= the one before it."""
    return _monotone(x, False)


def is_strictly_increasing(x, name=None):
    """True if each entry (in row-major order) is > the one before it."""
    return _monotone(x, True)


def _bitwise(fn, op_type):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        return wrap(fn(x._value, y._value))
    op.__doc__ = f"Elementwise {op_type} of integer tensors: `{op_type}(12, 10)`."
    return op


bitwise_and = _bitwise(jnp.bitwise_and, "BitwiseAnd")
bitwise_or = _bitwise(jnp.bitwise_or, "BitwiseOr")
bitwise_xor = _bitwise(jnp.bitwise_xor, "BitwiseXor")


def invert(x, name=None):
    """Bitwise not of an integer tensor: `tf.bitwise.invert(0) -> -1`."""
    x = unary(x)
    return wrap(jnp.invert(x._value))
