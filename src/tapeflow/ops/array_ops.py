"""Creating and rearranging tensors: ones, zeros, reshape, transpose, concat, ...

Gradients are in array_grad.py.

>>> import tapeflow as tf
>>> tf.reshape(tf.range(6), [2, 3]).shape
TensorShape([2, 3])
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import convert_to_tensor
from .dispatch import nary, norm_axis, out, outs, static_int_list, unary, wrap

# Names exported at tapeflow's top level.
__all__ = ["zeros", "ones", "fill", "zeros_like", "ones_like", "range", "identity",
           "stop_gradient", "shape", "rank", "size", "reshape", "broadcast_to", "transpose",
           "expand_dims", "squeeze", "concat", "stack", "unstack", "where", "one_hot", "split"]

# -- creation ------------------------------------------------------------------


def _dt(dtype, default=dtypes.float32):
    return (dtypes.as_dtype(dtype) if dtype is not None else default)._np


def _shape_arg(shape, op_type):
    dims = static_int_list(shape)
    for d in dims:
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", op_type)
    return tuple(dims)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (`tf.zeros`)."""
    return wrap(jnp.zeros(_shape_arg(shape, "Fill"), _dt(dtype)))


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones (`tf.ones`)."""
    return wrap(jnp.ones(_shape_arg(shape, "Fill"), _dt(dtype)))


def fill(dims, value, name=None):
    v = convert_to_tensor(value)
    return wrap(jnp.full(_shape_arg(dims, "Fill"), v._value))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    x = unary(input)
    return wrap(jnp.zeros(x._value.shape, _dt(dtype, x.dtype)))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    x = unary(input)
    return wrap(jnp.ones(x._value.shape, _dt(dtype, x.dtype)))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """Like Python's range but a tensor; dtype inferred from the arguments as TF does."""
    if limit is None:
        start, limit = 0, start
    vals = [convert_to_tensor(v) for v in (start, limit, delta)]
    if dtype is None:
        order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
        dtype = max((v.dtype for v in vals), key=lambda d: order.index(d) if d in order else 0)
    d = dtypes.as_dtype(dtype)
    s, l, dl = (np.asarray(v._value).item() for v in vals)
    if dl == 0:
        raise invalid_argument("Requires delta != 0: 0", "Range")
    return wrap(jnp.arange(s, l, dl, dtype=d._np))


def identity(input, name=None):  # noqa: A002
    x = unary(input)
    return out(x._value, "Identity", (x,))


def stop_gradient(input, name=None):  # noqa: A002
    """Returns the input; no gradient flows through it."""
    x = unary(input)
    return wrap(x._value)


# -- shapes ----------------------------------------------------------------------


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    x = unary(input)
    return wrap(jnp.asarray(x._value.shape, dtype=dtypes.as_dtype(out_type)._np))


def rank(input, name=None):  # noqa: A002
    return wrap(jnp.asarray(unary(input).ndim, jnp.int32))


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    return wrap(jnp.asarray(unary(input)._value.size, dtypes.as_dtype(out_type)._np))


def reshape(tensor, shape, name=None):
    """Reshapes; one dim may be -1. Error names both shapes when sizes differ."""
    x = unary(tensor)
    new = static_int_list(shape)
    n = x._value.size
    known = 1
    for d in new:
        if d != -1:
            known *= d
    if new.count(-1) > 1 or (-1 not in new and known != n) or (
            -1 in new and (known == 0 or n % known)):
        raise invalid_argument(
            f"Input to reshape is a tensor with {n} values, but the requested shape "
            f"{'requires a multiple of' if -1 in new else 'has'} {known} "
            f"(input shape {list(x.shape)}, requested shape {new})", "Reshape")
    v = x._value.reshape(new)
    if v.shape == x._value.shape:
        return x if not new else out(v, "Reshape", (x,))
    return out(v, "Reshape", (x,))


def broadcast_to(input, shape, name=None):  # noqa: A002
    x = unary(input)
    target = tuple(static_int_list(shape))
    try:
        v = jnp.broadcast_to(x._value, target)
    except ValueError:
        raise invalid_argument(f"Unable to broadcast tensor of shape {list(x.shape)} to "
                               f"tensor of shape {list(target)}", "BroadcastTo") from None
    return out(v, "BroadcastTo", (x,))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    x = unary(a)
    perm = list(reversed(np.arange(x.ndim).tolist())) if perm is None else static_int_list(perm)
    if sorted(p % max(x.ndim, 1) for p in perm) != list(np.arange(x.ndim)):
        raise invalid_argument(f"transpose expects a vector of size {x.ndim}. But input(1) "
                               f"is a vector of size {len(perm)} or not a permutation: {perm}",
                               "Transpose")
    perm = [p % x.ndim for p in perm]
    v = jnp.transpose(x._value, perm)
    if conjugate:
        v = jnp.conj(v)
    return out(v, "Transpose", (x,), {"perm": perm})


def expand_dims(input, axis, name=None):  # noqa: A002
    x = unary(input)
    ax = int(axis)
    if not -x.ndim - 1 <= ax <= x.ndim:
        raise invalid_argument(f"Tried to expand dim index {ax} for tensor with {x.ndim} "
                               "dimensions.", "ExpandDims")
    return reshape(x, _expand_shape(x.shape.as_list(), ax))


def _expand_shape(s, ax):
    ax = ax % (len(s) + 1)
    return s[:ax] + [1] + s[ax:]


def squeeze(input, axis=None, name=None):  # noqa: A002
    x = unary(input)
    s = x.shape.as_list()
    if axis is None:
        axes = [i for i, d in enumerate(s) if d == 1]
    else:
        axes = [norm_axis(a, x.ndim, "Squeeze") for a in
                (axis if isinstance(axis, (list, tuple)) else [axis])]
        for a in axes:
            if s[a] != 1:
                raise invalid_argument(f"Can not squeeze dim[{a}], expected a dimension of "
                                       f"1, got {s[a]}", "Squeeze")
    return reshape(x, [d for i, d in enumerate(s) if i not in axes])


def concat(values, axis, name="concat"):
    ts = nary(list(values), "ConcatV2")
    if not ts:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter "
                         "than minimum length 1.")
    ax = norm_axis(axis, ts[0].ndim, "ConcatV2")
    ref = ts[0].shape.as_list()
    for i, t in enumerate(ts[1:], 1):
        s = t.shape.as_list()
        if len(s) != len(ref) or any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != ax):
            raise invalid_argument(f"ConcatOp : Dimension mismatch in input {i}: shape "
                                   f"{s} vs. shape[0] = {ref} (axis {ax})", "ConcatV2")
    return out(jnp.concatenate([t._value for t in ts], axis=ax), "ConcatV2", tuple(ts),
               {"axis": ax, "sizes": [t._value.shape[ax] for t in ts]})


def stack(values, axis=0, name="stack"):
    ts = nary(list(values), "Pack")
    if not ts:
        raise ValueError("stack requires a non-empty list of tensors.")
    ref = ts[0].shape
    for i, t in enumerate(ts[1:], 1):
        if t.shape != ref:
            raise invalid_argument(f"Shapes of all inputs must match: values[0].shape = "
                                   f"{ref} != values[{i}].shape = {t.shape}", "Pack")
    ax = norm_axis(axis, ts[0].ndim + 1, "Pack")
    return out(jnp.stack([t._value for t in ts], axis=ax), "Pack", tuple(ts), {"axis": ax})


def unstack(value, num=None, axis=0, name="unstack"):
    x = unary(value)
    ax = norm_axis(axis, x.ndim, "Unpack")
    n = x._value.shape[ax]
    if num is not None and num != n:
        raise ValueError(f"Cannot infer argument `num` from shape {x.shape}" if num is None
                         else f"num={num} does not match dimension {n} of shape {x.shape}")
    v = jnp.moveaxis(x._value, ax, 0)
    return outs([v[i] for i in np.arange(n)], "Unpack", (x,), {"axis": ax})


def where(condition, x=None, y=None, name=None):
    """Elementwise select; with only `condition`, the coordinates of True entries."""
    c = unary(condition)
    if x is None and y is None:
        return wrap(jnp.argwhere(np.asarray(c._value)).astype(jnp.int64))
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    x, y = nary([x, y], "SelectV2")
    if c.dtype is not dtypes.bool:
        raise invalid_argument(f"cannot compute SelectV2 as input #0(zero-based) was "
                               f"expected to be a bool tensor but is a {c.dtype.name} tensor",
                               "SelectV2")
    try:
        v = jnp.where(c._value, x._value, y._value)
    except ValueError:
        raise invalid_argument(f"condition {list(c.shape)}, then {list(x.shape)} and else "
                               f"{list(y.shape)} must be broadcastable", "SelectV2") from None
    return out(v, "SelectV2", (c, x, y))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    idx = unary(indices)
    d = dtypes.as_dtype(dtype) if dtype is not None else (
        convert_to_tensor(on_value).dtype if on_value is not None else dtypes.float32)
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    ax = -1 if axis is None else int(axis)
    depth = int(depth)
    hot = jnp.asarray(idx._value)[..., None] == jnp.arange(depth)
    v = jnp.where(hot, jnp.asarray(on, d._np), jnp.asarray(off, d._np))
    if ax != -1:
        v = jnp.moveaxis(v, -1, ax)
    return wrap(v)



def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits into equal parts (an int) or parts of the given sizes (a list)."""
    x = unary(value)
    ax = norm_axis(axis, x.ndim, "Split")
    n = x._value.shape[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        if k <= 0 or n % k:
            raise invalid_argument(f"Number of ways to split should evenly divide the split "
                                   f"dimension, but got split_dim {ax} (size = {n}) and "
                                   f"num_split {k}", "Split")
        sizes = [n // k] * k
    else:
        sizes = static_int_list(num_or_size_splits)
        if -1 in sizes:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n:
            raise invalid_argument(f"Determined shape must either match input shape along "
                                   f"split_dim exactly if fully specified, or be less than the "
                                   f"size of the input along split_dim if not fully specified. "
                                   f"Got: {sum(sizes)} vs {n}", "SplitV")
    bounds = np.cumsum(sizes)[:-1].tolist()
    return outs(jnp.split(x._value, bounds, axis=ax), "Split", (x,), {"axis": ax})
