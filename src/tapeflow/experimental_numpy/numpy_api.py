"""The NumPy API over tapeflow Tensors (`tf.experimental.numpy`, usually `tnp`).

`tnp.ndarray` is `tf.Tensor`; every function takes Tensors, NumPy arrays or
Python values, promotes them with NumPy's rules (promotion.py) and computes
with tapeflow ops, so results work with GradientTape and inside tf.function.

>>> import tapeflow.experimental_numpy as tnp
>>> tnp.add(tnp.asarray([1, 2], dtype="int32"), 1.5).dtype
tf.float64
"""
import builtins

import numpy as np

from .. import _core as tf

from ..framework import dtypes
from ..framework.tensor import Tensor
from .promotion import STATE, default_float, py_default, result_type

ndarray = Tensor
newaxis = None
pi, e, inf, nan = np.pi, np.e, np.inf, np.nan
bool_ = dtypes.bool
(int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64,
 complex64, complex128) = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64,
                           dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64,
                           dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
                           dtypes.complex128)


def _dt(v):
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        return np.dtype(tf.convert_to_tensor(v)._value.dtype)
    if isinstance(v, (np.ndarray, np.generic)):
        return v.dtype
    if isinstance(v, (bool, int, float, complex)):
        return v
    return np.asarray(v).dtype if not isinstance(v, (list, tuple)) else _list_dtype(v)


def _list_dtype(v):
    flat = np.asarray(v, dtype=object).reshape(-1).tolist() if len(v) else []
    if builtins.any(isinstance(x, (Tensor, np.ndarray, np.generic)) for x in flat):
        return result_type(*[_dt(x) for x in flat])
    if not flat:
        return default_float()
    return result_type(*[py_default(x) for x in flat])


def asarray(a, dtype=None):
    """A Tensor of `a` (Python floats default to float64, float32 with prefer_float32)."""
    if dtype is not None:
        return tf.cast(a, dtype) if isinstance(a, Tensor) else tf.constant(
            np.asarray(a), dtype=dtypes.as_dtype(dtype))
    if isinstance(a, Tensor) or hasattr(a, "_as_tensor"):
        return tf.convert_to_tensor(a)
    d = _dt(a)
    d = py_default(d) if not isinstance(d, np.dtype) else d
    return tf.constant(np.asarray(a, dtype=d))


array = asarray
asanyarray = asarray


def _promote(*args):
    out = dtypes.as_dtype(result_type(*[_dt(a) for a in args]))
    return [a if isinstance(a, Tensor) and a.dtype == out else
            tf.cast(a, out) if isinstance(a, Tensor) or hasattr(a, "_as_tensor") else
            tf.constant(np.asarray(a, dtype=out._np), dtype=out) for a in args]


def _float(x):
    """`x` as a float Tensor (ints become float64 / default float, as NumPy)."""
    t = asarray(x)
    if t.dtype.is_floating or t.dtype.is_complex:
        return t
    return tf.cast(t, dtypes.as_dtype(default_float() if STATE.prefer_float32 else
                                      np.float64))


def _binary(fn):
    def op(x1, x2):
        a, b = _promote(x1, x2)
        return fn(a, b)
    op.__name__ = getattr(fn, "__name__", "op")
    return op


def _unary_float(fn):
    def op(x):
        return fn(_float(x))
    op.__name__ = getattr(fn, "__name__", "op")
    return op


add, subtract, multiply = _binary(tf.add), _binary(tf.subtract), _binary(tf.multiply)
maximum, minimum, power = _binary(tf.maximum), _binary(tf.minimum), _binary(tf.pow)
floor_divide, mod = _binary(tf.math.floordiv), _binary(tf.math.floormod)
remainder = mod
equal, not_equal = _binary(tf.equal), _binary(tf.not_equal)
less, less_equal = _binary(tf.less), _binary(tf.less_equal)
greater, greater_equal = _binary(tf.greater), _binary(tf.greater_equal)
logical_and, logical_or = _binary(tf.logical_and), _binary(tf.logical_or)
logical_xor = _binary(tf.math.logical_xor)
arctan2 = _binary(tf.math.atan2)
exp, log, sqrt = _unary_float(tf.exp), _unary_float(tf.math.log), _unary_float(tf.sqrt)
sin, cos, tan, tanh = (_unary_float(tf.sin), _unary_float(tf.cos), _unary_float(tf.tan),
                       _unary_float(tf.tanh))
arcsin, arccos, arctan = (_unary_float(tf.asin), _unary_float(tf.acos),
                          _unary_float(tf.atan))
sinh, cosh = _unary_float(tf.sinh), _unary_float(tf.cosh)
log1p, expm1 = _unary_float(tf.math.log1p), _unary_float(tf.math.expm1)
log2 = _unary_float(lambda x: tf.math.log(x) / np.log(2.0))
log10 = _unary_float(lambda x: tf.math.log(x) / np.log(10.0))


def true_divide(x1, x2):
    a, b = _promote(x1, x2)
    if not (a.dtype.is_floating or a.dtype.is_complex):
        a, b = _float(a), _float(b)
    return tf.divide(a, b)


divide = true_divide


def negative(x):
    return tf.negative(asarray(x))


def absolute(x):
    return tf.abs(asarray(x))


abs = absolute  # noqa: A001 - NumPy's name


def square(x):
    return tf.square(asarray(x))


def sign(x):
    return tf.sign(asarray(x))


def floor(x):
    return tf.floor(_float(x))


def ceil(x):
    return tf.math.ceil(_float(x))


def logical_not(x):
    return tf.logical_not(tf.cast(asarray(x), "bool"))


def isnan(x):
    t = asarray(x)
    return tf.math.is_nan(t) if t.dtype.is_floating else tf.zeros_like(t, dtype="bool")


def isfinite(x):
    t = asarray(x)
    return tf.math.is_finite(t) if t.dtype.is_floating else tf.ones_like(t, dtype="bool")


def clip(a, a_min, a_max):
    t, lo, hi = _promote(a, a_min, a_max)
    return tf.clip_by_value(t, lo, hi)


def where(condition, x=None, y=None):
    if x is None and y is None:
        return tuple(tf.unstack(tf.cast(tf.where(asarray(condition)), "int64"), axis=1))
    a, b = _promote(x, y)
    return tf.where(tf.cast(asarray(condition), "bool"), a, b)


def _reduce(fn, to_float=False, int_to_int64=False):
    def op(a, axis=None, dtype=None, keepdims=False):
        t = asarray(a)
        if dtype is not None:
            t = tf.cast(t, dtype)
        elif to_float and not (t.dtype.is_floating or t.dtype.is_complex):
            t = _float(t)
        elif int_to_int64 and t.dtype in (dtypes.int8, dtypes.int16, dtypes.int32,
                                          dtypes.bool):
            t = tf.cast(t, "int64")  # NumPy sums small ints in the platform int
        return fn(t, axis=axis, keepdims=keepdims)
    return op


sum = _reduce(tf.reduce_sum, int_to_int64=True)  # noqa: A001
prod = _reduce(tf.reduce_prod, int_to_int64=True)
mean = _reduce(tf.reduce_mean, to_float=True)
amax = max = _reduce(tf.reduce_max)  # noqa: A001
amin = min = _reduce(tf.reduce_min)  # noqa: A001
var = _reduce(tf.math.reduce_variance, to_float=True)
std = _reduce(tf.math.reduce_std, to_float=True)


def all(a, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_all(tf.cast(asarray(a), "bool"), axis=axis, keepdims=keepdims)


def any(a, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_any(tf.cast(asarray(a), "bool"), axis=axis, keepdims=keepdims)


def argmax(a, axis=None):
    t = asarray(a)
    return tf.argmax(tf.reshape(t, [-1]) if axis is None else t, axis=0 if axis is None
                     else axis)


def argmin(a, axis=None):
    t = asarray(a)
    return tf.argmin(tf.reshape(t, [-1]) if axis is None else t, axis=0 if axis is None
                     else axis)


def _accumulator(a, dtype):
    t = asarray(a) if dtype is None else tf.cast(asarray(a), dtype)
    if dtype is None and t.dtype in (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.bool):
        t = tf.cast(t, "int64")  # NumPy accumulates small ints in the platform int
    return t


def cumsum(a, axis=None, dtype=None):
    t = _accumulator(a, dtype)
    return tf.cumsum(tf.reshape(t, [-1]) if axis is None else t, axis=0 if axis is None
                     else axis)


def cumprod(a, axis=None, dtype=None):
    t = _accumulator(a, dtype)
    return tf.math.cumprod(tf.reshape(t, [-1]) if axis is None else t, axis=0 if axis is None
                           else axis)


def _creation_dtype(dtype):
    return dtypes.as_dtype(dtype) if dtype is not None else dtypes.as_dtype(np.float64)


def zeros(shape, dtype=float):
    return tf.zeros(shape, _creation_dtype(np.dtype(dtype)))


def ones(shape, dtype=float):
    return tf.ones(shape, _creation_dtype(np.dtype(dtype)))


def empty(shape, dtype=float):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    v = asarray(fill_value, dtype)
    return tf.fill(shape, v)


def zeros_like(a, dtype=None):
    t = asarray(a)
    return tf.zeros_like(t, dtype=dtype or t.dtype)


def ones_like(a, dtype=None):
    t = asarray(a)
    return tf.ones_like(t, dtype=dtype or t.dtype)


def full_like(a, fill_value, dtype=None):
    t = asarray(a)
    return tf.fill(tf.shape(t), asarray(fill_value, dtype or t.dtype))


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.as_dtype(
        result_type(*[py_default(v) if isinstance(v, (int, float)) else _dt(v)
                      for v in (start, stop, step)]))
    return tf.constant(np.arange(start, stop, step, dtype=d._np))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=float, axis=0):
    vals = np.linspace(start, stop, num, endpoint=endpoint, dtype=np.dtype(dtype), axis=axis)
    t = tf.constant(vals)
    if retstep:
        return t, (stop - start) / builtins.max(num - (1 if endpoint else 0), 1)
    return t


def eye(N, M=None, k=0, dtype=float):  # noqa: N803 - NumPy's names
    return tf.constant(np.eye(N, M, k, dtype=np.dtype(dtype)))


identity = eye


def reshape(a, newshape, order="C"):
    return tf.reshape(asarray(a), newshape)


def ravel(a):
    return tf.reshape(asarray(a), [-1])


def transpose(a, axes=None):
    return tf.transpose(asarray(a), axes)


def swapaxes(a, axis1, axis2):
    t = asarray(a)
    perm = list(range(t.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(t, perm)


def expand_dims(a, axis):
    return tf.expand_dims(asarray(a), axis)


def squeeze(a, axis=None):
    return tf.squeeze(asarray(a), axis)


def concatenate(arys, axis=0):
    return tf.concat(_promote(*arys), axis)


def stack(arrays, axis=0):
    return tf.stack(_promote(*arrays), axis)


def vstack(tup):
    ts = [t if t.ndim > 1 else tf.reshape(t, [1, -1]) for t in _promote(*tup)]
    return tf.concat(ts, 0)


def hstack(tup):
    ts = _promote(*tup)
    return tf.concat(ts, 0 if ts[0].ndim == 1 else 1)


def tile(a, reps):
    t = asarray(a)
    reps = [reps] if isinstance(reps, int) else list(reps)
    return tf.tile(t, [1] * (t.ndim - len(reps)) + reps)


def repeat(a, repeats, axis=None):
    t = asarray(a)
    return tf.repeat(tf.reshape(t, [-1]) if axis is None else t, repeats,
                     axis=0 if axis is None else axis)


def flip(m, axis=None):
    t = asarray(m)
    return tf.reverse(t, list(range(t.ndim)) if axis is None else
                      ([axis] if isinstance(axis, int) else list(axis)))


def roll(a, shift, axis=None):
    t = asarray(a)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(t, [-1]), shift, 0), tf.shape(t))
    return tf.roll(t, shift, axis)


def sort(a, axis=-1):
    return tf.sort(asarray(a), axis=axis)


def argsort(a, axis=-1):
    return tf.argsort(asarray(a), axis=axis, stable=True)


def take(a, indices, axis=None):
    t = asarray(a)
    return tf.gather(tf.reshape(t, [-1]) if axis is None else t, indices,
                     axis=0 if axis is None else axis)


def matmul(x1, x2):
    a, b = _promote(x1, x2)
    return tf.matmul(a, b)


def dot(a, b):
    x, y = _promote(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return tf.multiply(x, y)
    if y.ndim == 1:
        return tf.tensordot(x, y, [[x.ndim - 1], [0]])
    return tf.tensordot(x, y, [[x.ndim - 1], [y.ndim - 2]])


def inner(a, b):
    x, y = _promote(a, b)
    return tf.tensordot(x, y, [[x.ndim - 1], [y.ndim - 1]])


def outer(a, b):
    x, y = _promote(a, b)
    return tf.tensordot(tf.reshape(x, [-1]), tf.reshape(y, [-1]), axes=0)


def einsum(subscripts, *operands):
    return tf.einsum(subscripts, *_promote(*operands))


def tril(m, k=0):
    t = asarray(m)
    return tf.linalg.band_part(t, -1, k) if k >= 0 else t * tf.constant(
        np.tri(*t.shape.as_list()[-2:], k=k), dtype=t.dtype)


def triu(m, k=0):
    t = asarray(m)
    mask = 1 - np.tri(*t.shape.as_list()[-2:], k=k - 1)
    return t * tf.constant(mask, dtype=t.dtype)


def shape(a):
    return tuple(asarray(a).shape.as_list())


def ndim(a):
    return asarray(a).ndim


def size(a):
    return int(np.prod(asarray(a).shape.as_list()))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = _promote(a, b)
    return tf.reduce_all(tf.abs(x - y) <= atol + rtol * tf.abs(y))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = _promote(a, b)
    return tf.abs(x - y) <= atol + rtol * tf.abs(y)


def result_type_of(*arrays_and_dtypes):
    """`tnp.result_type`: the promoted dtype of arrays, dtypes and Python scalars."""
    def one(a):
        if isinstance(a, dtypes.DType):
            return np.dtype(a._np)
        if isinstance(a, (type, str, np.dtype)):
            return np.dtype(a)
        return _dt(a)
    return dtypes.as_dtype(result_type(*[one(a) for a in arrays_and_dtypes]))


def promote_types(type1, type2):
    return dtypes.as_dtype(np.promote_types(np.dtype(dtypes.as_dtype(type1)._np),
                                            np.dtype(dtypes.as_dtype(type2)._np)))
