"""More of the NumPy API for tnp: elementwise extras, shape helpers, splitting, NaN-aware
reductions, dtype info. Built on numpy_api's promotion and tapeflow ops.

>>> import tapeflow.experimental_numpy as tnp
>>> tnp.diff(tnp.asarray([1, 4, 9])).numpy()
array([3, 5])
"""
import numpy as np

from .. import _core as tf

from ..framework import dtypes
from ..framework.tensor import Tensor
from .numpy_api import (_float, _promote, asarray, concatenate, expand_dims, flip,
                        reshape, stack, transpose)

__all__ = [
    "angle", "append", "arccosh", "arcsinh", "arctanh", "around", "round", "array_equal",
    "ascontiguousarray", "atleast_1d", "atleast_2d", "atleast_3d", "average", "bitwise_and",
    "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast_arrays", "broadcast_to", "cbrt",
    "compress", "conj", "conjugate", "copy", "count_nonzero", "cross", "deg2rad", "rad2deg",
    "diag", "diag_indices", "diagflat", "diagonal", "diff", "divmod", "dsplit", "dstack",
    "empty_like", "exp2", "fabs", "finfo", "iinfo", "fix", "flatten", "fliplr", "flipud",
    "float_power", "gcd", "lcm", "geomspace", "logspace", "heaviside", "hsplit", "vsplit",
    "split", "hypot", "imag", "real", "iscomplex", "iscomplexobj", "isreal", "isrealobj",
    "isinf", "isneginf", "isposinf", "isscalar", "issubdtype", "ix_", "kron", "logaddexp",
    "logaddexp2", "meshgrid", "moveaxis", "nanmean", "nanprod", "nansum", "nextafter",
    "nonzero", "pad", "polyval", "positive", "ptp", "reciprocal", "rot90", "select",
    "signbit", "sinc", "take_along_axis", "tensordot", "trace", "tri", "vander", "vdot",
    "complex_", "float_", "int_", "object_", "string_", "unicode_", "inexact"]

complex_, float_, int_ = dtypes.complex128, dtypes.float64, dtypes.int64
object_, string_, unicode_, inexact = np.object_, np.bytes_, np.str_, np.inexact


def _b(fn):
    def op(x1, x2):
        return fn(*_promote(x1, x2))
    return op


def _f(fn):
    def op(x):
        return fn(_float(x))
    return op


arccosh, arcsinh, arctanh = _f(tf.acosh), _f(tf.asinh), _f(tf.atanh)
exp2 = _f(lambda x: tf.pow(tf.cast(2.0, x.dtype), x))
cbrt = _f(lambda x: tf.sign(x) * tf.pow(tf.abs(x), 1.0 / 3.0))
deg2rad = _f(lambda x: x * (np.pi / 180.0))
rad2deg = _f(lambda x: x * (180.0 / np.pi))
fabs = _f(tf.abs)
reciprocal = _f(lambda x: 1.0 / x)
sinc = _f(lambda x: tf.where(tf.equal(x, 0.0), tf.ones_like(x),
                             tf.sin(np.pi * x) / tf.where(tf.equal(x, 0.0), tf.ones_like(x),
                                                          np.pi * x)))
fix = _f(lambda x: tf.where(x < 0, tf.math.ceil(x), tf.floor(x)))
signbit = _f(lambda x: tf.less(x, 0.0) | (tf.equal(x, 0.0) & tf.less(1.0 / x, 0.0)))
bitwise_and = _b(lambda a, b: Tensor(a._value & b._value))
bitwise_or = _b(lambda a, b: Tensor(a._value | b._value))
bitwise_xor = _b(lambda a, b: Tensor(a._value ^ b._value))
gcd = _b(lambda a, b: Tensor(np.gcd(a.numpy(), b.numpy())))
lcm = _b(lambda a, b: Tensor(np.lcm(a.numpy(), b.numpy())))
hypot = _b(lambda a, b: tf.sqrt(a * a + b * b))
logaddexp = _b(lambda a, b: tf.maximum(a, b) + tf.math.log1p(tf.exp(-tf.abs(a - b))))
logaddexp2 = _b(lambda a, b: tf.maximum(a, b) + tf.math.log1p(
    tf.pow(tf.cast(2.0, a.dtype), -tf.abs(a - b))) / np.log(2.0))
heaviside = _b(lambda a, b: tf.where(a < 0, tf.zeros_like(a), tf.where(
    tf.equal(a, 0), b, tf.ones_like(a))))
float_power = _b(lambda a, b: tf.pow(tf.cast(a, "float64"), tf.cast(b, "float64")))
nextafter = _b(tf.math.nextafter)


def bitwise_not(x):
    t = asarray(x)
    return tf.logical_not(t) if t.dtype.is_bool else Tensor(~t._value)


def divmod(x1, x2):  # noqa: A001 - NumPy's name
    a, b = _promote(x1, x2)
    return tf.math.floordiv(a, b), tf.math.floormod(a, b)


def angle(z, deg=False):
    t = asarray(z)
    a = tf.math.angle(t) if t.dtype.is_complex else tf.where(
        t < 0, tf.fill(tf.shape(t), tf.cast(np.pi, _float(t).dtype)), tf.zeros_like(_float(t)))
    return a * (180.0 / np.pi) if deg else a


def around(a, decimals=0):
    t = asarray(a)
    if decimals == 0:
        return tf.round(t) if t.dtype.is_floating else t
    f = 10.0 ** decimals
    return tf.round(t * f) / f


round = around  # noqa: A001


def real(x):
    return tf.math.real(asarray(x))


def imag(x):
    return tf.math.imag(asarray(x))


def conj(x):
    return tf.math.conj(asarray(x))


conjugate = conj


def iscomplex(x):
    t = asarray(x)
    return tf.not_equal(tf.math.imag(t), 0) if t.dtype.is_complex else tf.zeros_like(
        t, dtype="bool")


def isreal(x):
    return tf.logical_not(iscomplex(x))


def iscomplexobj(x):
    return asarray(x).dtype.is_complex


def isrealobj(x):
    return not iscomplexobj(x)


def isinf(x):
    t = asarray(x)
    return tf.math.is_inf(t) if t.dtype.is_floating else tf.zeros_like(t, dtype="bool")


def isposinf(x):
    t = asarray(x)
    return isinf(t) & (t > 0) if t.dtype.is_floating else isinf(t)


def isneginf(x):
    t = asarray(x)
    return isinf(t) & (t < 0) if t.dtype.is_floating else isinf(t)


def isscalar(x):
    return np.isscalar(x) or (isinstance(x, Tensor) and x.ndim == 0)


def issubdtype(arg1, arg2):
    to_np = (lambda d: d._np if isinstance(d, dtypes.DType) else d)
    return np.issubdtype(to_np(arg1), to_np(arg2))


def finfo(dtype):
    return np.finfo(dtypes.as_dtype(dtype)._np)


def iinfo(dtype):
    return np.iinfo(dtypes.as_dtype(dtype)._np)


def positive(x):
    return asarray(x)


def copy(a):
    return tf.identity(asarray(a))


def ascontiguousarray(a, dtype=None):
    return asarray(a, dtype)


def flatten(a, order="C"):
    return reshape(a, [-1])


def empty_like(a, dtype=None):
    t = asarray(a)
    return tf.zeros_like(t, dtype=dtype or t.dtype)


def atleast_1d(*arys):
    out = [reshape(a, [1]) if asarray(a).ndim == 0 else asarray(a) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys):
    out = []
    for a in arys:
        t = asarray(a)
        out.append(reshape(t, [1] * (2 - t.ndim) + t.shape.as_list()) if t.ndim < 2 else t)
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys):
    out = []
    for a in arys:
        t = asarray(a)
        if t.ndim == 0:
            t = reshape(t, [1, 1, 1])
        elif t.ndim == 1:
            t = reshape(t, [1, -1, 1])
        elif t.ndim == 2:
            t = expand_dims(t, -1)
        out.append(t)
    return out[0] if len(out) == 1 else out


def broadcast_to(array, shape):
    return tf.broadcast_to(asarray(array), shape)


def broadcast_arrays(*args):
    shape = np.broadcast_shapes(*[tuple(asarray(a).shape.as_list()) for a in args])
    return [tf.broadcast_to(asarray(a), shape) for a in args]


def moveaxis(a, source, destination):
    t = asarray(a)
    order = [i for i in range(t.ndim) if i != source % t.ndim]
    order.insert(destination % t.ndim, source % t.ndim)
    return transpose(t, order)


def diagonal(a, offset=0, axis1=0, axis2=1):
    t = asarray(a)
    n, m = t.shape[axis1], t.shape[axis2]
    rows = np.arange(max(0, -offset), min(n, m - offset))
    front = transpose(t, [axis1, axis2] + [i for i in range(t.ndim) if i not in (
        axis1 % t.ndim, axis2 % t.ndim)])
    picked = tf.gather_nd(front, tf.constant(np.stack([rows, rows + offset], 1)))
    return moveaxis(picked, 0, -1)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    d = diagonal(a, offset, axis1, axis2)
    return tf.reduce_sum(d if dtype is None else tf.cast(d, dtype), axis=-1)


def diagflat(v, k=0):
    flat = reshape(v, [-1])
    n = flat.shape[0]
    size = n + abs(k)
    i = np.arange(n)
    idx = np.stack([i + max(0, -k), i + max(0, k)], 1)
    return tf.scatter_nd(tf.constant(idx), flat, [size, size])


def diag(v, k=0):
    t = asarray(v)
    return diagflat(t, k) if t.ndim == 1 else diagonal(t, k)


def diag_indices(n, ndim=2):
    return (tf.range(n),) * ndim


def tri(N, M=None, k=0, dtype=float):  # noqa: N803
    return tf.constant(np.tri(N, M, k, dtype=np.dtype(dtype)))


def vander(x, N=None, increasing=False):  # noqa: N803
    t = asarray(x)
    n = t.shape[0] if N is None else N
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return tf.pow(expand_dims(t, 1), tf.constant(powers.astype(t.dtype._np)))


def diff(a, n=1, axis=-1):
    t = asarray(a)
    for _ in range(n):
        size = t.shape[axis]
        t = tf.gather(t, list(range(1, size)), axis=axis) - tf.gather(
            t, list(range(size - 1)), axis=axis)
    return t


def append(arr, values, axis=None):
    if axis is None:
        return concatenate([reshape(arr, [-1]), reshape(values, [-1])])
    return concatenate([arr, values], axis)


def compress(condition, a, axis=None):
    t = asarray(a)
    c = np.asarray(asarray(condition).numpy()).astype(bool)
    if axis is None:
        return tf.boolean_mask(reshape(t, [-1]), c)
    idx = np.nonzero(c)[0]
    return tf.gather(t, idx, axis=axis)


def count_nonzero(a, axis=None):
    return tf.math.count_nonzero(asarray(a), axis=axis, dtype="int64")


def cross(a, b):
    x, y = _promote(a, b)
    return stack([x[..., 1] * y[..., 2] - x[..., 2] * y[..., 1],
                  x[..., 2] * y[..., 0] - x[..., 0] * y[..., 2],
                  x[..., 0] * y[..., 1] - x[..., 1] * y[..., 0]], -1)


def average(a, axis=None, weights=None, returned=False):
    t = _float(a)
    if weights is None:
        avg = tf.reduce_mean(t, axis=axis)
        count = tf.cast(tf.size(t) if axis is None else t.shape[axis], t.dtype)
        return (avg, tf.broadcast_to(count, tf.shape(avg))) if returned else avg
    w = tf.cast(asarray(weights), t.dtype)
    if axis is not None and w.ndim == 1 and t.ndim > 1:
        shape = [1] * t.ndim
        shape[axis] = -1
        w = reshape(w, shape)
    total = tf.reduce_sum(w * tf.ones_like(t), axis=axis)
    avg = tf.reduce_sum(t * w, axis=axis) / total
    return (avg, total) if returned else avg


def _nan_to(t, value):
    t = _float(t)
    return tf.where(tf.math.is_nan(t), tf.fill(tf.shape(t), tf.cast(value, t.dtype)), t)


def nansum(a, axis=None, keepdims=False):
    return tf.reduce_sum(_nan_to(a, 0.0), axis=axis, keepdims=keepdims)


def nanprod(a, axis=None, keepdims=False):
    return tf.reduce_prod(_nan_to(a, 1.0), axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, keepdims=False):
    t = _float(a)
    keep = tf.cast(tf.logical_not(tf.math.is_nan(t)), t.dtype)
    return nansum(t, axis, keepdims) / tf.reduce_sum(keep, axis=axis, keepdims=keepdims)


def ptp(a, axis=None, keepdims=False):
    t = asarray(a)
    return tf.reduce_max(t, axis=axis, keepdims=keepdims) - tf.reduce_min(
        t, axis=axis, keepdims=keepdims)


def nonzero(a):
    idx = tf.where(tf.not_equal(asarray(a), 0))
    return tuple(tf.unstack(tf.cast(idx, "int64"), axis=1)) if idx.shape[1] else ()


def pad(array, pad_width, mode="constant", constant_values=0):
    t = asarray(array)
    pw = np.broadcast_to(np.asarray(pad_width), (t.ndim, 2)).tolist()
    return tf.pad(t, pw, mode=mode.upper(), constant_values=constant_values)


def polyval(p, x):
    coeffs = [asarray(c) for c in (p if isinstance(p, (list, tuple)) else tf.unstack(
        asarray(p)))]
    xv = asarray(x)
    acc = tf.zeros_like(_promote(xv, coeffs[0])[0])
    for c in coeffs:
        a, b = _promote(acc, c)
        acc = a * _promote(xv, a)[0] + b
    return acc


def rot90(m, k=1, axes=(0, 1)):
    t = asarray(m)
    for _ in range(k % 4):
        t = flip(_swap(t, axes), axes[0])
    return t


def _swap(t, axes):
    perm = list(range(t.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    return transpose(t, perm)


def select(condlist, choicelist, default=0):
    out = asarray(default)
    for c, v in reversed(list(zip(condlist, choicelist))):
        a, b = _promote(v, out)
        out = tf.where(tf.cast(asarray(c), "bool"), a, b)
    return out


def take_along_axis(arr, indices, axis):
    t = asarray(arr)
    idx = np.asarray(asarray(indices).numpy()).astype(np.int64)
    axis = axis % t.ndim
    grid = list(np.indices(idx.shape))
    grid[axis] = idx % t.shape[axis]
    return tf.gather_nd(t, tf.constant(np.stack(grid, -1)))


def tensordot(a, b, axes=2):
    x, y = _promote(a, b)
    return tf.tensordot(x, y, axes)


def vdot(a, b):
    x, y = _promote(reshape(a, [-1]), reshape(b, [-1]))
    return tf.reduce_sum(tf.math.conj(x) * y if x.dtype.is_complex else x * y)


def kron(a, b):
    x, y = _promote(a, b)
    x, y = atleast_2d(x), atleast_2d(y)
    (m, n), (p, q) = x.shape.as_list(), y.shape.as_list()
    return reshape(x[:, None, :, None] * y[None, :, None, :], [m * p, n * q])


def meshgrid(*xi, indexing="xy"):
    return tf.meshgrid(*[asarray(x) for x in xi], indexing=indexing)


def ix_(*args):
    n = len(args)
    return [reshape(asarray(a), [1] * k + [-1] + [1] * (n - k - 1)) for k, a in enumerate(args)]


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return tf.constant(np.geomspace(start, stop, num, endpoint=endpoint, dtype=dtype,
                                    axis=axis))


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    return tf.constant(np.logspace(start, stop, num, endpoint=endpoint, base=base,
                                   dtype=dtype, axis=axis))


def split(ary, indices_or_sections, axis=0):
    t = asarray(ary)
    n = t.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        bounds = list(range(0, n + 1, n // indices_or_sections))
    else:
        bounds = [0] + list(indices_or_sections) + [n]
    return [tf.gather(t, list(range(a, b)), axis=axis) for a, b in zip(bounds[:-1],
                                                                       bounds[1:])]


def hsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=1 if asarray(ary).ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=2)


def dstack(tup):
    return concatenate([atleast_3d(t) for t in tup], axis=2)


def fliplr(m):
    return flip(m, 1)


def flipud(m):
    return flip(m, 0)


def array_equal(a1, a2):
    x, y = asarray(a1), asarray(a2)
    if x.shape.as_list() != y.shape.as_list():
        return tf.constant(False)
    x, y = _promote(x, y)
    return tf.reduce_all(tf.equal(x, y))
