"""Elementwise math, reductions and matmul (`tf.*` and `tf.math.*`).

Each op converts its arguments (see dispatch.py), calls one jax.numpy
function and records itself; its gradient rule is in math_grad.py.

>>> import tapeflow as tf
>>> tf.reduce_sum(tf.constant([[1., 2.], [3., 4.]]), axis=0).numpy()
array([4., 6.], dtype=float32)
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from .dispatch import binary, check_float, nary, norm_axes, out, unary, wrap

# Names exported at tapeflow's top level (tf.add, ...); tf.math gets every public name.
__all__ = ['abs', 'add', 'add_n', 'argmax', 'argmin', 'cast', 'clip_by_value', 'cos', 'cumprod', 'cumsum', 'divide', 'equal', 'exp', 'floordiv', 'greater', 'greater_equal', 'less', 'less_equal', 'log', 'logical_and', 'logical_not', 'logical_or', 'logical_xor', 'matmul', 'maximum', 'minimum', 'multiply', 'negative', 'not_equal', 'pow', 'reduce_all', 'reduce_any', 'reduce_max', 'reduce_mean', 'reduce_min', 'reduce_prod', 'reduce_sum', 'round', 'saturate_cast', 'sigmoid', 'sign', 'sin', 'sqrt', 'square', 'subtract', 'tanh', 'truediv']

# -- binary arithmetic -------------------------------------------------------


def add(x, y, name=None):
    x, y = binary(x, y, "AddV2")
    if x.dtype is dtypes.string:
        return wrap(np.char.add(x._value.astype(str), y._value.astype(str)).astype(object))
    return out(jnp.add(x._value, y._value), "AddV2", (x, y))


def subtract(x, y, name=None):
    x, y = binary(x, y, "Sub")
    return out(jnp.subtract(x._value, y._value), "Sub", (x, y))


def multiply(x, y, name=None):
    x, y = binary(x, y, "Mul")
    return out(jnp.multiply(x._value, y._value), "Mul", (x, y))


def _int_to_float(d):
    return np.float32 if d.itemsize <= 2 else np.float64


def truediv(x, y, name=None):
    """x / y; integer inputs are cast to float first (int32 -> float64), as TF does."""
    x, y = binary(x, y, "RealDiv")
    if x.dtype.is_integer:
        ft = _int_to_float(x._value.dtype)
        x, y = cast(x, ft), cast(y, ft)
    return out(jnp.divide(x._value, y._value), "RealDiv", (x, y))


divide = truediv


def realdiv(x, y, name=None):
    x, y = binary(x, y, "RealDiv")
    return out(jnp.divide(x._value, y._value), "RealDiv", (x, y))


def floordiv(x, y, name=None):
    x, y = binary(x, y, "FloorDiv")
    return out(jnp.floor_divide(x._value, y._value), "FloorDiv", (x, y))


floor_div = floordiv


def floormod(x, y, name=None):
    x, y = binary(x, y, "FloorMod")
    return out(jnp.mod(x._value, y._value), "FloorMod", (x, y))


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TF's name
    x, y = binary(x, y, "Pow")
    return out(jnp.power(x._value, y._value), "Pow", (x, y))


def maximum(x, y, name=None):
    x, y = binary(x, y, "Maximum")
    return out(jnp.maximum(x._value, y._value), "Maximum", (x, y))


def minimum(x, y, name=None):
    x, y = binary(x, y, "Minimum")
    return out(jnp.minimum(x._value, y._value), "Minimum", (x, y))


def squared_difference(x, y, name=None):
    x, y = binary(x, y, "SquaredDifference")
    return out(jnp.square(x._value - y._value), "SquaredDifference", (x, y))


def add_n(inputs, name=None):
    """Sums a list of same-shape tensors."""
    ts = nary(list(inputs), "AddN")
    if not ts:
        raise ValueError("inputs must be a non-empty list of tensors.")
    acc = ts[0]._value
    for t in ts[1:]:
        if t._value.shape != acc.shape:
            raise invalid_argument(f"Inputs to operation AddN must have the same size and "
                                   f"shape. Input 0: {list(ts[0].shape)} != input: "
                                   f"{list(t.shape)}", "AddN")
        acc = acc + t._value
    return out(acc, "AddN", tuple(ts))


# -- unary -------------------------------------------------------------------


def negative(x, name=None):
    x = unary(x)
    return out(jnp.negative(x._value), "Neg", (x,))


neg = negative


def _unary_float(fn, op_type):
    def op(x, name=None):
        x = check_float(unary(x), op_type)
        return out(fn(x._value), op_type, (x,))
    op.__name__ = op_type.lower()
    op.__doc__ = f"Elementwise {op_type} (float inputs)."
    return op


def _unary_any(fn, op_type):
    def op(x, name=None):
        x = unary(x)
        return out(fn(x._value), op_type, (x,))
    op.__name__ = op_type.lower()
    op.__doc__ = f"Elementwise {op_type}."
    return op


square = _unary_any(jnp.square, "Square")
abs = _unary_any(jnp.abs, "Abs")  # noqa: A001
sign = _unary_any(jnp.sign, "Sign")
sqrt = _unary_float(jnp.sqrt, "Sqrt")
rsqrt = _unary_float(lax.rsqrt, "Rsqrt")
exp = _unary_float(jnp.exp, "Exp")
log = _unary_float(jnp.log, "Log")
log1p = _unary_float(jnp.log1p, "Log1p")
expm1 = _unary_float(jnp.expm1, "Expm1")
sin = _unary_float(jnp.sin, "Sin")
cos = _unary_float(jnp.cos, "Cos")
tan = _unary_float(jnp.tan, "Tan")
asin = _unary_float(jnp.arcsin, "Asin")
acos = _unary_float(jnp.arccos, "Acos")
atan = _unary_float(jnp.arctan, "Atan")
sinh = _unary_float(jnp.sinh, "Sinh")
cosh = _unary_float(jnp.cosh, "Cosh")
tanh = _unary_float(jnp.tanh, "Tanh")
asinh = _unary_float(jnp.arcsinh, "Asinh")
acosh = _unary_float(jnp.arccosh, "Acosh")
atanh = _unary_float(jnp.arctanh, "Atanh")
sigmoid = _unary_float(lambda v: 1 / (1 + jnp.exp(-v)), "Sigmoid")
reciprocal = _unary_float(jnp.reciprocal, "Reciprocal")
floor = _unary_float(jnp.floor, "Floor")
ceil = _unary_float(jnp.ceil, "Ceil")
round = _unary_float(jnp.round, "Round")  # noqa: A001 - banker's rounding like TF


def cast(x, dtype, name=None):
    """Casts to `dtype`; float -> int truncates toward zero, as TF does."""
    x = unary(x)
    d = dtypes.as_dtype(dtype)
    if x.dtype is d:
        return x
    v = x._value
    if x.dtype.is_complex and not d.is_complex:
        v = jnp.real(v)
    return out(v.astype(d._np), "Cast", (x,), {"DstT": d})


def saturate_cast(value, dtype, name=None):
    x = unary(value)
    d = dtypes.as_dtype(dtype)
    if d.is_integer and x.dtype.is_floating or (d.is_integer and x.dtype.is_integer):
        x = clip_by_value(x, max(d.min, x.dtype.min) if x.dtype.is_integer else d.min,
                          min(d.max, x.dtype.max) if x.dtype.is_integer else d.max)
    return cast(x, d)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    t = unary(t)
    lo = minimum(maximum(t, clip_value_min), clip_value_max)
    return lo


# -- reductions ----------------------------------------------------------------


def _reduce(fn, op_type, float_only=False):
    def op(input_tensor, axis=None, keepdims=False, name=None):
        x = unary(input_tensor)
        if float_only:
            check_float(x, op_type)
        axes = norm_axes(axis, x.ndim, op_type)
        return out(fn(x._value, axis=axes, keepdims=keepdims), op_type, (x,),
                   {"axis": axes, "keepdims": keepdims})
    op.__name__ = "reduce_" + op_type.lower()
    op.__doc__ = f"Reduces by {op_type} over `axis` (all axes when None)."
    return op


reduce_sum = _reduce(jnp.sum, "Sum")
reduce_max = _reduce(jnp.max, "Max")
reduce_min = _reduce(jnp.min, "Min")
reduce_prod = _reduce(jnp.prod, "Prod")


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over `axis`; integer inputs give an integer (truncated) mean, as TF."""
    x = unary(input_tensor)
    axes = norm_axes(axis, x.ndim, "Mean")
    v = x._value
    if x.dtype.is_integer:
        n = int(np.prod([v.shape[a] for a in axes])) if axes else 1
        r = (jnp.sum(v, axis=axes, keepdims=keepdims) // max(n, 1)).astype(v.dtype)
    else:
        r = jnp.mean(v, axis=axes, keepdims=keepdims)
    return out(r, "Mean", (x,), {"axis": axes, "keepdims": keepdims})


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    x = unary(input_tensor)
    return wrap(jnp.any(x._value, axis=norm_axes(axis, x.ndim, "Any"), keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    x = unary(input_tensor)
    return wrap(jnp.all(x._value, axis=norm_axes(axis, x.ndim, "All"), keepdims=keepdims))


# -- comparisons and logic (never differentiable) -------------------------------


def _compare(fn, op_type):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        return wrap(fn(x._value, y._value))
    op.__name__ = op_type.lower()
    op.__doc__ = f"Elementwise {op_type} with broadcasting; returns bool."
    return op


equal = _compare(jnp.equal, "Equal")
not_equal = _compare(jnp.not_equal, "NotEqual")
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
    return op


logical_and = _logical(jnp.logical_and, "LogicalAnd")
logical_or = _logical(jnp.logical_or, "LogicalOr")
logical_xor = _logical(jnp.logical_xor, "LogicalXor")


def logical_not(x, name=None):
    x = unary(x)
    if x.dtype is not dtypes.bool:
        raise invalid_argument(f"cannot compute LogicalNot as input #0(zero-based) was "
                               f"expected to be a bool tensor but is a {x.dtype.name} tensor",
                               "LogicalNot")
    return wrap(jnp.logical_not(x._value))


def _bitwise(fn, op_type):
    def op(x, y, name=None):
        x, y = binary(x, y, op_type)
        return wrap(fn(x._value, y._value))
    return op


bitwise_and = _bitwise(jnp.bitwise_and, "BitwiseAnd")
bitwise_or = _bitwise(jnp.bitwise_or, "BitwiseOr")
bitwise_xor = _bitwise(jnp.bitwise_xor, "BitwiseXor")


def invert(x, name=None):
    x = unary(x)
    return wrap(jnp.invert(x._value))


# -- matmul --------------------------------------------------------------------


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the two innermost dims, batched over the leading ones."""
    a, b = binary(a, b, "MatMul")
    if a.ndim < 2 or b.ndim < 2:
        raise invalid_argument(f"In[0] and In[1] has different ndims: {a.shape} vs. "
                               f"{b.shape}" if a.ndim != b.ndim else
                               f"In[0] is not a matrix. Instead it has shape {a.shape}",
                               "MatMul")
    av, bv = a._value, b._value
    if adjoint_a:
        av, transpose_a = jnp.conj(av), True
    if adjoint_b:
        bv, transpose_b = jnp.conj(bv), True
    if transpose_a:
        av = jnp.swapaxes(av, -1, -2)
    if transpose_b:
        bv = jnp.swapaxes(bv, -1, -2)
    if av.shape[-1] != bv.shape[-2]:
        raise invalid_argument(
            f"Matrix size-incompatible: In[0]: {list(av.shape)}, In[1]: {list(bv.shape)}",
            "MatMul")
    return out(jnp.matmul(av, bv), "MatMul", (a, b),
               {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
                "conj_a": bool(adjoint_a), "conj_b": bool(adjoint_b)})


# -- scans -----------------------------------------------------------------------


def _scan(x, axis, exclusive, reverse, fn, ident, op_type):
    x = unary(x)
    from .dispatch import norm_axis
    ax = norm_axis(axis, x.ndim, op_type)
    v = x._value
    if reverse:
        v = jnp.flip(v, ax)
    r = fn(v, axis=ax)
    if exclusive:
        pad = [(0, 0)] * v.ndim
        pad[ax] = (1, 0)
        r = jnp.pad(r, pad, constant_values=ident)
        r = lax.slice_in_dim(r, 0, v.shape[ax], axis=ax)
    if reverse:
        r = jnp.flip(r, ax)
    return out(r.astype(v.dtype), op_type, (x,),
               {"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)})


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along `axis` (exclusive/reverse as in TF)."""
    return _scan(x, axis, exclusive, reverse, jnp.cumsum, 0, "Cumsum")


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along `axis`."""
    return _scan(x, axis, exclusive, reverse, jnp.cumprod, 1, "Cumprod")


def argmax(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    """Index of the largest value along `axis` (default 0), as int64."""
    x = unary(input)
    from .dispatch import norm_axis
    ax = norm_axis(0 if axis is None else axis, x.ndim, "ArgMax")
    return wrap(jnp.argmax(x._value, axis=ax).astype(dtypes.as_dtype(output_type)._np))


def argmin(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    x = unary(input)
    from .dispatch import norm_axis
    ax = norm_axis(0 if axis is None else axis, x.ndim, "ArgMin")
    return wrap(jnp.argmin(x._value, axis=ax).astype(dtypes.as_dtype(output_type)._np))
