"""Elementwise ops over RaggedTensors: unary ops map the flat values; binary ops
broadcast a dense operand along the ragged rows (TF's ragged broadcasting).

Both operands ragged: their row partitions must be identical. A dense operand
broadcasts if its dimensions at the ragged positions are 1 (or absent); its
outermost dimension is 1 or the number of rows. Otherwise InvalidArgumentError
names the op and both shapes.

>>> import tapeflow as tf
>>> rt = tf.ragged.constant([[1, 2], [], [3]])
>>> (rt + tf.constant([[10], [20], [30]])).to_list()
[[11, 12], [], [33]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .ragged_tensor import RaggedTensor
from .row_partition import is_concrete
from ..ops import array_ops, gather_ops

__all__ = ["UNARY", "BINARY", "unary", "binary", "same_partitions", "splits_equal",
           "outer_row_ids", "map_flat_values"]

UNARY = frozenset((
    "abs", "acos", "acosh", "angle", "asin", "asinh", "atan", "atanh", "bitcast", "cast",
    "ceil", "conj", "cos", "cosh", "digamma", "erf", "erfc", "erfinv", "exp", "expm1",
    "floor", "imag", "invert", "is_finite", "is_inf", "is_nan", "lgamma", "log", "log1p",
    "log_sigmoid", "logical_not", "ndtri", "neg", "negative", "real", "reciprocal", "rint",
    "round", "rsqrt", "saturate_cast", "sigmoid", "sign", "sin", "sinh", "softplus",
    "softsign", "sqrt", "square", "tan", "tanh", "identity", "ones_like", "zeros_like",
    "clip_by_value", "relu", "relu6", "elu", "selu", "gelu", "leaky_relu", "silu", "swish",
    "dropout", "stop_gradient", "check_numerics", "nextafter"))
BINARY = frozenset((
    "add", "add_v2", "subtract", "multiply", "divide", "truediv", "realdiv", "floordiv",
    "floor_div", "floormod", "mod", "truncatediv", "truncatemod", "pow", "maximum", "minimum",
    "squared_difference", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_xor", "atan2", "divide_no_nan",
    "multiply_no_nan", "xdivy", "xlogy", "xlog1py", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "polygamma", "zeta", "igamma", "igammac"))


def unary(fn, x, args, kwargs):
    """`fn(flat_values, *args)` in the same row partitions."""
    return x.with_flat_values(fn(x.flat_values, *args, **kwargs))


def splits_equal(a, b):
    if a is b:
        return True
    if a.shape != b.shape:
        return False
    if is_concrete(a) and is_concrete(b):
        return bool(np.array_equal(np.asarray(a._value), np.asarray(b._value)))
    return True  # symbolic partitions of equal length: TF checks at run time


def same_partitions(x, y):
    xs, ys = x.nested_row_splits, y.nested_row_splits
    return len(xs) == len(ys) and all(splits_equal(a, b) for a, b in zip(xs, ys))


def outer_row_ids(rt):
    """For each flat value, the index of its outermost row (a jax array)."""
    splits = rt.nested_row_splits
    n = rt.flat_values.shape[0]
    if all(is_concrete(s) for s in splits):  # host arithmetic: nothing to compile
        ids = np.arange(n)
        for s in reversed(splits):
            v = np.asarray(s._value)
            ids = np.searchsorted(v[1:], ids, side="right")
        return ids
    ids = jnp.arange(n)
    for s in reversed(splits):
        ids = jnp.searchsorted(s._value[1:], ids, side="right")
    return ids


def _incompatible(op, x, y, why):
    return invalid_argument(f"{op}: incompatible shapes {x.shape} and {y.shape} for "
                            f"ragged broadcasting ({why})", op)


def _dense_for(rt, d, op):
    """The dense operand `d` as values aligned with `rt`'s flat values."""
    rank, rr = rt.shape.rank, rt.ragged_rank
    inner_rank = rank - rr - 1
    if d.ndim <= inner_rank:
        return d
    if d.ndim > rank:
        raise _incompatible(op, rt, d, "the dense operand has a higher rank")
    dims = [1] * (rank - d.ndim) + d.shape.as_list()
    if any(k != 1 for k in dims[1:rr + 1]):
        raise _incompatible(op, rt, d, "a dense operand needs size 1 in the ragged "
                            "dimensions")
    nrows = rt.shape[0]
    if dims[0] not in (1, nrows):
        raise _incompatible(op, rt, d, f"dimension 0 is {dims[0]}, the ragged tensor has "
                            f"{nrows} rows")
    rows = array_ops.reshape(d, [dims[0]] + dims[rr + 1:])
    if dims[0] == 1:
        return array_ops.reshape(rows, dims[rr + 1:]) if dims[rr + 1:] else \
            array_ops.reshape(rows, [])
    return gather_ops.gather(rows, Tensor(outer_row_ids(rt)))


def binary(fn, x, y, args, kwargs, op):
    """`fn` over two operands, at least one ragged."""
    xr, yr = isinstance(x, RaggedTensor), isinstance(y, RaggedTensor)
    if xr and yr:
        if x.ragged_rank != y.ragged_rank or not same_partitions(x, y):
            if x.shape.rank == y.shape.rank and x.ragged_rank == y.ragged_rank:
                raise invalid_argument(f"{op}: Inputs must have identical ragged splits; "
                                       f"Received shapes {x.shape} and {y.shape}", op)
            raise _incompatible(op, x, y, "different ragged ranks")
        return x.with_flat_values(fn(x.flat_values, y.flat_values, *args, **kwargs))
    if xr:
        if _is_python_scalar(y):
            return x.with_flat_values(fn(x.flat_values, y, *args, **kwargs))
        y = convert_to_tensor(y, dtype_hint=x.dtype)
        return x.with_flat_values(fn(x.flat_values, _dense_for(x, y, op), *args, **kwargs))
    if _is_python_scalar(x):
        return y.with_flat_values(fn(x, y.flat_values, *args, **kwargs))
    x = convert_to_tensor(x, dtype_hint=y.dtype)
    return y.with_flat_values(fn(_dense_for(y, x, op), y.flat_values, *args, **kwargs))


def _is_python_scalar(v):
    return isinstance(v, (int, float, bool, complex, np.generic))


def map_flat_values(op, *args, **kwargs):
    """Applies `op` to the flat values of the ragged arguments (identical partitions).

    >>> import tapeflow as tf
    >>> rt = tf.ragged.constant([[1., 2.], [3.]])
    >>> tf.ragged.map_flat_values(tf.multiply, rt, 10.).to_list()
    [[10.0, 20.0], [30.0]]
    """
    found = []

    def swap(v):
        if isinstance(v, RaggedTensor):
            found.append(v)
            return v.flat_values
        if isinstance(v, (list, tuple)):
            return type(v)(swap(a) for a in v)
        if isinstance(v, dict):
            return {k: swap(a) for k, a in v.items()}
        return v

    new_args = [swap(a) for a in args]
    new_kwargs = {k: swap(v) for k, v in kwargs.items()}
    if not found:
        return op(*args, **kwargs)
    first = found[0]
    for other in found[1:]:
        if not same_partitions(first, other):
            raise invalid_argument("map_flat_values: the ragged inputs must have identical "
                                   f"row partitions; Received shapes {first.shape} and "
                                   f"{other.shape}", "map_flat_values")
    result = op(*new_args, **new_kwargs)
    n = first.flat_values.shape[0]
    if getattr(result, "shape", None) is not None and result.shape.rank and \
            result.shape[0] not in (None, n):
        raise ValueError(f"map_flat_values: the op changed the number of values from {n} to "
                         f"{result.shape[0]}; it must keep the outer dimension")
    return first.with_flat_values(result)
