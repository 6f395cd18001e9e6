"""Creating and rearranging tensors: ones, zeros, reshape, transpose, concat, ...

Gradients are in array_grad.py.

>>> import tapeflow as tf
>>> tf.reshape(tf.range(6), [2, 3]).shape
TensorShape([2, 3])
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import convert_to_tensor, stack_tensors
from .dispatch import filled, nary, norm_axis, out, outs, static_int_list, unary, wrap

# Names exported at tapeflow's top level.
__all__ = ["zeros", "ones", "fill", "zeros_like", "ones_like", "range", "identity",
           "stop_gradient", "shape", "rank", "size", "reshape", "broadcast_to", "transpose",
           "expand_dims", "squeeze", "concat", "stack", "unstack", "where", "split"]

# -- creation ------------------------------------------------------------------


# TF's DataType enum numbers (`tf.zeros(3, 1)` means float32).
_ENUM = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
         8: "complex64", 9: "int64", 10: "bool", 14: "bfloat16", 17: "uint16",
         18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}


def _as_dtype(dtype):
    if isinstance(dtype, (int, np.integer)) and not isinstance(dtype, bool) and dtype in _ENUM:
        dtype = _ENUM[int(dtype)]
    return dtypes.as_dtype(dtype)


def _dt(dtype, default=dtypes.float32):
    return (_as_dtype(dtype) if dtype is not None else default)._np


def _shape_arg(shape, op_type):
    dims = static_int_list(shape)
    for d in dims:
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", op_type)
    return tuple(dims)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros; `dtype` may be a DType, a name or a NumPy type.

    >>> zeros([2], 'int32').numpy().tolist()
    [0, 0]
    """
    return wrap(filled(_shape_arg(shape, "Fill"), 0, _dt(dtype)))


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones.

    >>> ones((1, 2)).numpy().tolist()
    [[1.0, 1.0]]
    """
    return wrap(filled(_shape_arg(shape, "Fill"), 1, _dt(dtype)))


def fill(dims, value, name=None):
    """`dims`-shaped tensor of `value`; the dtype is the value's.

    >>> fill([2], 7).numpy().tolist()
    [7, 7]
    """
    v = unary(value)
    if v.ndim:
        raise invalid_argument(f"value must be a scalar, got shape {list(v.shape)}", "Fill")
    return out(jnp.full(_shape_arg(dims, "Fill"), v._value), "Fill", (v,))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    """Zeros with the shape (and, unless given, the dtype) of `input`.

    >>> zeros_like([1, 2]).numpy().tolist()
    [0, 0]
    """
    x = unary(input)
    return wrap(filled(x._value.shape, 0, _dt(dtype, x.dtype), like=x._value))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    """Ones with the shape (and, unless given, the dtype) of `input`.

    >>> ones_like([[1.5]]).numpy().tolist()
    [[1.0]]
    """
    x = unary(input)
    return wrap(filled(x._value.shape, 1, _dt(dtype, x.dtype), like=x._value))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """Like Python's range but a tensor; the dtype is the widest of the arguments'.

    >>> range(1, 7, 2).numpy().tolist()
    [1, 3, 5]
    """
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
    """The same values as a new tensor (gradients pass through).

    >>> identity([1, 2]).numpy().tolist()
    [1, 2]
    """
    x = unary(input)
    return out(x._value, "Identity", (x,))


def stop_gradient(input, name=None):  # noqa: A002
    """Returns the input; no gradient flows through it.

    >>> stop_gradient([1.]).numpy().tolist()
    [1.0]
    """
    x = unary(input)
    return wrap(x._value)


# -- shapes ----------------------------------------------------------------------


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shape as a 1-D integer tensor.

    >>> shape([[1, 2, 3]]).numpy().tolist()
    [1, 3]
    """
    x = unary(input)
    return wrap(jax.device_put(np.asarray(x._value.shape, dtypes.as_dtype(out_type)._np)))


def rank(input, name=None):  # noqa: A002
    """The number of dimensions, as a scalar int32 tensor.

    >>> int(rank([[1, 2]]))
    2
    """
    return wrap(jax.device_put(np.asarray(unary(input).ndim, np.int32)))


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The number of elements, as a scalar tensor.

    >>> int(size([[1, 2]]))
    2
    """
    return wrap(jax.device_put(np.asarray(unary(input)._value.size,
                                          dtypes.as_dtype(out_type)._np)))


def reshape(tensor, shape, name=None):
    """Reshapes; one dim may be -1. The error names both shapes when sizes differ.

    >>> reshape([1, 2, 3, 4], [2, -1]).numpy().tolist()
    [[1, 2], [3, 4]]
    """
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
    """Broadcasts `input` to `shape` with NumPy's rules.

    >>> broadcast_to([1, 2], [2, 2]).numpy().tolist()
    [[1, 2], [1, 2]]
    """
    x = unary(input)
    target = tuple(static_int_list(shape))
    try:
        v = jnp.broadcast_to(x._value, target)
    except ValueError:
        raise invalid_argument(f"Unable to broadcast tensor of shape {list(x.shape)} to "
                               f"tensor of shape {list(target)}", "BroadcastTo") from None
    return out(v, "BroadcastTo", (x,))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes the axes (reverses them when `perm` is None).

    >>> transpose([[1, 2]]).numpy().tolist()
    [[1], [2]]
    """
    x = unary(a)
    perm = list(reversed(np.arange(x.ndim).tolist())) if perm is None else static_int_list(perm)
    if any(not -x.ndim <= p < x.ndim for p in perm) or \
            sorted(p % x.ndim for p in perm) != list(np.arange(x.ndim)):
        raise invalid_argument(f"transpose expects a vector of size {x.ndim}. But input(1) "
                               f"is a vector of size {len(perm)} or not a permutation: {perm}",
                               "Transpose")
    perm = [p % x.ndim for p in perm]
    v = jnp.transpose(x._value, perm)
    if conjugate:
        v = jnp.conj(v)
    return out(v, "Transpose", (x,), {"perm": perm})


def expand_dims(input, axis, name=None):  # noqa: A002
    """Inserts a length-1 axis at `axis` (negative counts from the end).

    >>> expand_dims([1, 2], -1).shape
    TensorShape([2, 1])
    """
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
    """Removes length-1 axes (all of them, or those in `axis`).

    >>> squeeze([[1], [2]]).numpy().tolist()
    [1, 2]
    """
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
    """Joins tensors along an existing axis.

    >>> concat([[1], [2, 3]], 0).numpy().tolist()
    [1, 2, 3]
    """
    ts = nary(list(values), "ConcatV2")
    if not ts:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter "
                         "than minimum length 1.")
    r = ts[0].ndim
    if r == 0:
        raise invalid_argument("Can't concatenate scalars (use tf.stack instead)", "ConcatV2")
    if not -r <= int(axis) < r:
        raise invalid_argument(f"ConcatOp : Expected concatenating dimensions in the range "
                               f"[{-r}, {r}), but got {int(axis)}", "ConcatV2")
    ax = int(axis) % r
    ref = ts[0].shape.as_list()
    for i, t in enumerate(ts[1:], 1):
        s = t.shape.as_list()
        if len(s) != len(ref) or any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != ax):
            raise invalid_argument(f"ConcatOp : Dimension mismatch in input {i}: shape "
                                   f"{s} vs. shape[0] = {ref} (axis {ax})", "ConcatV2")
    return out(jnp.concatenate([t._value for t in ts], axis=ax), "ConcatV2", tuple(ts),
               {"axis": ax, "sizes": [t._value.shape[ax] for t in ts]})


def stack(values, axis=0, name="stack"):
    """Joins same-shaped tensors along a new axis.

    >>> stack([[1, 2], [3, 4]], axis=1).numpy().tolist()
    [[1, 3], [2, 4]]
    """
    ts = nary(list(values), "Pack")
    r = ts[0].ndim + 1 if ts else 1
    if not -r <= int(axis) < r:
        raise ValueError(f"Argument `axis` = {int(axis)} not in range [{-r}, {r})")
    return stack_tensors(ts, int(axis) % r)


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits along `axis` into a list of tensors of one rank less.

    >>> [t.numpy().tolist() for t in unstack([[1, 2], [3, 4]])]
    [[1, 2], [3, 4]]
    """
    x = unary(value)
    ax = norm_axis(axis, x.ndim, "Unpack")
    n = x._value.shape[ax]
    if num is not None and int(num) != n:
        raise invalid_argument(f"Input shape axis {ax} must equal {num}, got shape "
                               f"{list(x.shape)}", "Unpack")
    v = jnp.moveaxis(x._value, ax, 0)
    return outs([v[i] for i in np.arange(n)], "Unpack", (x,), {"axis": ax})


def where(condition, x=None, y=None, name=None):
    """Elementwise select; with only `condition`, the int64 coordinates of True entries.

    >>> where([True, False, True]).numpy().tolist()
    [[0], [2]]
    """
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


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits into equal parts (an int) or parts of the given sizes (a list, one -1 allowed).

    >>> [t.numpy().tolist() for t in split([1, 2, 3], [1, -1])]
    [[1], [2, 3]]
    """
    x = unary(value)
    ax = norm_axis(axis, x.ndim, "Split")
    n = x._value.shape[ax]
    if hasattr(num_or_size_splits, "ndim") and num_or_size_splits.ndim == 0:
        num_or_size_splits = int(num_or_size_splits)
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        if k <= 0 or n % k:
            raise invalid_argument(f"Number of ways to split should evenly divide the split "
                                   f"dimension, but got split_dim {ax} (size = {n}) and "
                                   f"num_split {k}", "Split")
        sizes = [n // k] * k
    else:
        sizes = static_int_list(num_or_size_splits)
        if sizes.count(-1) > 1:
            raise invalid_argument("Cannot infer split dimension twice: more than one -1 in "
                                   f"size_splits {sizes}", "SplitV")
        if -1 in sizes:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n or any(z < 0 for z in sizes):
            raise invalid_argument(f"Determined shape must either match input shape along "
                                   f"split_dim exactly if fully specified, or be less than the "
                                   f"size of the input along split_dim if not fully specified. "
                                   f"Got: {sum(sizes)} vs {n}", "SplitV")
    bounds = np.cumsum(sizes)[:-1].tolist()
    return outs(jnp.split(x._value, bounds, axis=ax), "Split", (x,), {"axis": ax})
