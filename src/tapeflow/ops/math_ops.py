"""Elementwise math, reductions and matmul (`tf.*` and `tf.math.*`).

Each op converts its arguments (see dispatch.py), calls one jax.numpy
function and records itself; its gradient rule is in math_grad.py.

>>> import tapeflow as tf
>>> tf.reduce_sum(tf.constant([[1., 2.], [3., 4.]]), axis=0).numpy()
array([4., 6.], dtype=float32)
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import cast_tensor
from .dispatch import binary, check_float, nary, norm_axes, norm_axis, out, unary, wrap

# Names exported at tapeflow's top level (tf.add, ...); tf.math gets every public name.
__all__ = ["abs", "acos", "acosh", "add", "add_n", "argmax", "argmin", "asin", "asinh", "atan",
           "atanh", "cast", "clip_by_value", "cos", "cosh", "cumprod", "cumsum", "divide", "exp",
           "floor", "floordiv", "log", "matmul", "maximum", "minimum", "multiply", "negative",
           "pow", "realdiv", "reduce_all", "reduce_any", "reduce_max", "reduce_mean", "reduce_min",
           "reduce_prod", "reduce_sum", "round", "saturate_cast", "sigmoid", "sign", "sin", "sinh",
           "sqrt", "square", "subtract", "tan", "tanh", "truediv"]
# tf.math has these too (tapeflow/math.py adds the sibling modules' names).
MATH_NAMES = __all__ + ["ceil", "expm1", "floormod", "log1p", "mod", "reciprocal",
                        "rsqrt", "squared_difference", "floor_div", "neg", "accumulate_n"]

# -- binary arithmetic -------------------------------------------------------


def add(x, y, name=None):
    """x + y with broadcasting (strings concatenate): `tf.add([1, 2], 3) -> [4, 5]`."""
    x, y = binary(x, y, "AddV2")
    if x.dtype is dtypes.string:
        return wrap(np.char.add(x._value.astype(str), y._value.astype(str)).astype(object))
    return out(jnp.add(x._value, y._value), "AddV2", (x, y))


def subtract(x, y, name=None):
    """x - y with broadcasting: `tf.subtract([5, 2], 1) -> [4, 1]`."""
    x, y = binary(x, y, "Sub")
    return out(jnp.subtract(x._value, y._value), "Sub", (x, y))


def multiply(x, y, name=None):
    """x * y with broadcasting: `tf.multiply([1., 2.], [[3.], [4.]])` has shape (2, 2)."""
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
    """x / y for same-dtype inputs (ints divide as ints): `tf.realdiv(7., 2.) -> 3.5`."""
    x, y = binary(x, y, "RealDiv")
    return out(jnp.divide(x._value, y._value), "RealDiv", (x, y))


def floordiv(x, y, name=None):
    """Division rounding down: `tf.math.floordiv(-7, 2) -> -4`."""
    x, y = binary(x, y, "FloorDiv")
    return out(jnp.floor_divide(x._value, y._value), "FloorDiv", (x, y))


floor_div = floordiv


def floormod(x, y, name=None):
    """Remainder with the sign of y: `tf.math.floormod(-7, 2) -> 1`."""
    x, y = binary(x, y, "FloorMod")
    return out(jnp.mod(x._value, y._value), "FloorMod", (x, y))


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TF's name
    """x ** y with broadcasting: `tf.pow(2., [1., 3.]) -> [2., 8.]`."""
    x, y = binary(x, y, "Pow")
    return out(jnp.power(x._value, y._value), "Pow", (x, y))


def maximum(x, y, name=None):
    """Elementwise max; ties send the gradient to x: `tf.maximum([1, 5], 3) -> [3, 5]`."""
    x, y = binary(x, y, "Maximum")
    return out(jnp.maximum(x._value, y._value), "Maximum", (x, y))


def minimum(x, y, name=None):
    """Elementwise min: `tf.minimum([1, 5], 3) -> [1, 3]`."""
    x, y = binary(x, y, "Minimum")
    return out(jnp.minimum(x._value, y._value), "Minimum", (x, y))


def squared_difference(x, y, name=None):
    """(x - y) ** 2: `tf.math.squared_difference(1., 4.) -> 9.`."""
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


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Sums a list of same-shape tensors (`add_n` under TF's older name)."""
    return add_n(inputs)


# -- unary -------------------------------------------------------------------


def negative(x, name=None):
    """-x: `tf.negative([1, -2]) -> [-1, 2]`."""
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
sigmoid = _unary_float(jax.nn.sigmoid, "Sigmoid")
reciprocal = _unary_float(jnp.reciprocal, "Reciprocal")
floor = _unary_float(jnp.floor, "Floor")
ceil = _unary_float(jnp.ceil, "Ceil")
round = _unary_any(jnp.round, "Round")  # noqa: A001 - half to even like TF; ints unchanged


def cast(x, dtype, name=None):
    """Casts to `dtype`; float -> int truncates toward zero, as TF does."""
    return cast_tensor(unary(x), dtypes.as_dtype(dtype))


def saturate_cast(value, dtype, name=None):
    """Casts, clipping to the target range first: `saturate_cast(300., tf.uint8) -> 255`."""
    x = unary(value)
    d = dtypes.as_dtype(dtype)
    if d.is_integer and x.dtype.is_floating or (d.is_integer and x.dtype.is_integer):
        x = clip_by_value(x, max(d.min, x.dtype.min) if x.dtype.is_integer else d.min,
                          min(d.max, x.dtype.max) if x.dtype.is_integer else d.max)
    return cast(x, d)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips to [min, max]: `tf.clip_by_value([-2., 0.5, 3.], -1., 1.) -> [-1., 0.5, 1.]`."""
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
        v = fn(x._value, axis=axes, keepdims=keepdims)
        if v.dtype != x._value.dtype:  # jnp widens int32 sums to int64; TF keeps int32
            v = v.astype(x._value.dtype)
        return out(v, op_type, (x,), {"axis": axes, "keepdims": keepdims})
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
        total = jnp.sum(v, axis=axes, keepdims=keepdims).astype(v.dtype)
        r = lax.div(total, jnp.asarray(max(n, 1), v.dtype))  # rounds toward zero, as TF
    else:
        r = jnp.mean(v, axis=axes, keepdims=keepdims)
    return out(r, "Mean", (x,), {"axis": axes, "keepdims": keepdims})


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or over `axis`: `tf.reduce_any([[True, False]], axis=1) -> [True]`."""
    x = unary(input_tensor)
    return wrap(jnp.any(x._value, axis=norm_axes(axis, x.ndim, "Any"), keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and over `axis`: `tf.reduce_all([[True, False]], axis=1) -> [False]`."""
    x = unary(input_tensor)
    return wrap(jnp.all(x._value, axis=norm_axes(axis, x.ndim, "All"), keepdims=keepdims))


# -- matmul --------------------------------------------------------------------


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the two innermost dims, batched over the leading ones."""
    a, b = binary(a, b, "MatMul")
    av, bv = a._value, b._value
    sa, sb = av.shape, bv.shape
    if len(sa) < 2 or len(sb) < 2:
        raise invalid_argument(f"In[0] and In[1] has different ndims: {a.shape} vs. "
                               f"{b.shape}" if len(sa) != len(sb) else
                               f"In[0] is not a matrix. Instead it has shape {a.shape}",
                               "MatMul")
    if transpose_a or transpose_b or adjoint_a or adjoint_b:
        if adjoint_a:
            av, transpose_a = jnp.conj(av), True
        if adjoint_b:
            bv, transpose_b = jnp.conj(bv), True
        if transpose_a:
            av = jnp.swapaxes(av, -1, -2)
        if transpose_b:
            bv = jnp.swapaxes(bv, -1, -2)
        sa, sb = av.shape, bv.shape
        attrs = {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
                 "conj_a": bool(adjoint_a), "conj_b": bool(adjoint_b)}
    else:
        attrs = _MATMUL_PLAIN
    if sa[-1] != sb[-2]:
        raise invalid_argument(
            f"Matrix size-incompatible: In[0]: {list(sa)}, In[1]: {list(sb)}", "MatMul")
    try:
        v = jnp.matmul(av, bv)
    except (TypeError, ValueError):
        raise invalid_argument(f"In[0] and In[1] must have compatible batch dimensions: "
                               f"{list(sa)} vs. {list(sb)}", "BatchMatMulV2") from None
    return out(v, "MatMul", (a, b), attrs)


_MATMUL_PLAIN = {"transpose_a": False, "transpose_b": False, "conj_a": False, "conj_b": False}


# -- scans -----------------------------------------------------------------------


def _scan(x, axis, exclusive, reverse, fn, ident, op_type):
    x = unary(x)
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
    ax = norm_axis(0 if axis is None else axis, x.ndim, "ArgMax")
    return wrap(jnp.argmax(x._value, axis=ax).astype(dtypes.as_dtype(output_type)._np))


def argmin(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    """Index of the smallest value along `axis` (default 0), as int64."""
    x = unary(input)
    ax = norm_axis(0 if axis is None else axis, x.ndim, "ArgMin")
    return wrap(jnp.argmin(x._value, axis=ax).astype(dtypes.as_dtype(output_type)._np))
