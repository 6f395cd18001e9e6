"""Shape utilities and constructors: ensure_shape, shape_n, broadcast_*_shape,
identity_n, linspace, eye, sequence_mask, one_hot.

>>> import tapeflow as tf
>>> tf.eye(2).numpy().tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import convert_to_tensor
from ..framework.tensor_shape import TensorShape
from .dispatch import check_float, norm_axis, out, static_int_list, unary, wrap
from . import array_ops as A

__all__ = ["ensure_shape", "shape_n", "broadcast_static_shape", "broadcast_dynamic_shape",
           "identity_n", "linspace", "eye", "sequence_mask", "one_hot"]


def _fmt(dims):
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def ensure_shape(x, shape, name=None):
    """Returns `x` unchanged if its shape is compatible with `shape` (None = any).

    >>> ensure_shape([[1, 2]], [None, 2]).shape
    TensorShape([1, 2])
    """
    t = unary(x)
    want = TensorShape(shape) if not isinstance(shape, TensorShape) else shape
    have = t.shape.as_list()
    if want.rank is not None:
        wl = want.as_list()
        if len(wl) != len(have) or any(w is not None and w != h for w, h in zip(wl, have)):
            raise invalid_argument(f"Shape of tensor {name or 'x'} {_fmt(have)} is not "
                                   f"compatible with expected shape {_fmt(wl)}.", "EnsureShape")
    return out(t._value, "EnsureShape", (t,))


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's name
    """The shapes of a list of tensors.

    >>> [s.numpy().tolist() for s in shape_n([[[1, 2]], [3]])]
    [[1, 2], [1]]
    """
    return [A.shape(t, out_type=out_type) for t in input]


def _broadcast(a, b):
    """Broadcast of two dim lists (None = unknown); None when incompatible."""
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    res = []
    for x, y in zip(a, b):
        if x == 1 or x == y:
            res.append(y)
        elif y == 1:
            res.append(x)
        elif x is None or y is None:
            res.append(x if y is None else y)
        else:
            return None
    return res


def broadcast_static_shape(shape_x, shape_y):
    """Broadcast of two TensorShapes.

    >>> broadcast_static_shape(TensorShape([2, 1]), TensorShape([3]))
    TensorShape([2, 3])
    """
    x, y = TensorShape(shape_x), TensorShape(shape_y)
    if x.rank is None or y.rank is None:
        return TensorShape(None)
    res = _broadcast(x.as_list(), y.as_list())
    if res is None:
        raise ValueError(f"Incompatible shapes for broadcasting. Two shapes are compatible if "
                         f"for each dimension pair they are either equal or one of them is 1. "
                         f"Received: {x} and {y}.")
    return TensorShape(res)


def broadcast_dynamic_shape(shape_x, shape_y):
    """Broadcast of two shape vectors, as a tensor.

    >>> broadcast_dynamic_shape([2, 1], [3]).numpy().tolist()
    [2, 3]
    """
    x, y = unary(shape_x), unary(shape_y)
    dt = x.dtype if x.dtype.is_integer else dtypes.int32
    a, b = static_int_list(x), static_int_list(y)
    res = _broadcast(a, b)
    if res is None:
        raise invalid_argument(f"Incompatible shapes: {_fmt(a)} vs. {_fmt(b)}", "BroadcastArgs")
    return wrap(jnp.asarray(res, dt._np))


def identity_n(input, name=None):  # noqa: A002
    """`identity` of each tensor in a list.

    >>> [t.numpy().tolist() for t in identity_n([[1], [2, 3]])]
    [[1], [2, 3]]
    """
    return [A.identity(t) for t in input]


def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (inclusive), along `axis`.

    >>> linspace(0., 1., 3).numpy().tolist()
    [0.0, 0.5, 1.0]
    """
    a = check_float(convert_to_tensor(start, dtype_hint=dtypes.float32), "LinSpace")
    b = convert_to_tensor(stop, dtype=a.dtype)
    n = int(num)
    if n < 0:
        raise invalid_argument(f"Requires num >= 0: {n}", "LinSpace")
    shape = jnp.broadcast_shapes(a._value.shape, b._value.shape)
    ax = norm_axis(axis, len(shape) + 1, "LinSpace")
    v = jnp.linspace(jnp.broadcast_to(a._value, shape), jnp.broadcast_to(b._value, shape), n,
                     axis=ax, dtype=a._value.dtype)
    return out(v, "LinSpace", (a, b), {"axis": ax, "num": n})


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Identity matrix (or a batch of them).

    >>> eye(2, 3, dtype="int32").numpy().tolist()
    [[1, 0, 0], [0, 1, 0]]
    """
    r = int(num_rows)
    c = r if num_columns is None else int(num_columns)
    if r < 0 or c < 0:
        raise invalid_argument(f"num_rows and num_columns must be >= 0, got {r} and {c}",
                               "MatrixDiag")
    m = jnp.eye(r, c, dtype=A._dt(dtype))
    if batch_shape is not None:
        m = jnp.broadcast_to(m, tuple(static_int_list(batch_shape)) + (r, c))
    return wrap(m)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """`mask[..., j] = j < lengths[...]`.

    >>> sequence_mask([1, 3], 4).numpy().astype(int).tolist()
    [[1, 0, 0, 0], [1, 1, 1, 0]]
    """
    ln = unary(lengths)
    if not ln.dtype.is_integer:
        raise invalid_argument(f"lengths must be integers, got {ln.dtype.name}",
                               "SequenceMask")
    if maxlen is None:
        m = int(np.max(np.asarray(ln._value))) if ln._value.size else 0
    else:
        m = int(maxlen)
        if m < 0:
            raise invalid_argument(f"maxlen must be >= 0, got {m}", "SequenceMask")
    mask = jnp.arange(m) < ln._value[..., None]
    return wrap(mask.astype(A._dt(dtype)))


def _one_hot_value(v, d, what):
    """on/off value in dtype `d`: Python ints may become floats, nothing else converts."""
    t = convert_to_tensor(v)
    if t.dtype != d and isinstance(v, (int, float, bool)) and (
            d.is_floating or d.is_complex or t.dtype.is_integer == d.is_integer):
        t = convert_to_tensor(v, dtype=d)
    if t.dtype != d:
        raise TypeError(f"dtype {t.dtype.name} of {what} does not match dtype parameter "
                        f"{d.name}")
    return t


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding; indices outside [0, depth) give all-`off_value` rows.

    >>> one_hot([0, 2], 3).numpy().tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    if isinstance(indices, (np.ndarray, np.generic)) and indices.dtype.kind == "f":
        indices = indices.astype(np.int64)  # NumPy input converts to TI's default, as TF
    elif isinstance(indices, float):
        raise TypeError(f"Cannot convert {indices!r} to EagerTensor of dtype int64")
    idx = unary(indices)
    if not idx.dtype.is_integer:
        raise invalid_argument(f"Value for attr 'TI' of {idx.dtype.name} is not in the list "
                               "of allowed values: uint8, int8, int32, int64", "OneHot")
    given = [v for v in (on_value, off_value) if v is not None]
    if dtype is not None:
        d = A._as_dtype(dtype)
    else:
        d = convert_to_tensor(given[0]).dtype if given else dtypes.float32
    on = _one_hot_value(1 if on_value is None else on_value, d, "on_value")
    off = _one_hot_value(0 if off_value is None else off_value, d, "off_value")
    ax = -1 if axis is None else int(axis)
    if not -1 <= ax <= idx.ndim:
        raise invalid_argument(f"Expected axis to be -1 or between [0, {idx.ndim + 1}).  "
                               f"But received: {ax}", "OneHot")
    hot = idx._value[..., None] == jnp.arange(int(depth))
    v = jnp.where(hot, on._value, off._value)
    if ax != -1:
        v = jnp.moveaxis(v, -1, ax)
    return wrap(v)
