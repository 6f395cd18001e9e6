"""`keras.backend`: global Keras settings and the helpers TF 2 code calls.

>>> from tapeflow.keras import backend
>>> backend.floatx()
'float32'
>>> backend.epsilon()
1e-07
"""
import builtins
import gc
import re
import threading

import jax
import numpy as np

import tapeflow as tf

from ..function.memory import release_freed_memory
from . import activations
from .keras_tensor import KerasTensor

__all__ = ["floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "set_image_data_format", "clear_session", "get_uid", "unique_object_name",
           "int_shape", "random_normal", "random_uniform", "is_keras_tensor", "cast_to_floatx",
           "learning_phase", "set_learning_phase", "to_snake_case", "name_scope",
           "get_value", "set_value", "batch_get_value", "batch_set_value", "eval", "variable",
           "constant", "zeros", "ones", "shape", "ndim", "dtype", "count_params",
           "mean", "sum", "max", "min", "prod", "std", "var", "abs", "square", "sqrt", "exp",
           "log", "clip", "dot", "concatenate", "reshape", "expand_dims", "squeeze",
           "stack", "transpose", "cast", "relu", "sigmoid", "softmax", "tanh"]

_CONFIG = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}
_NAMES = threading.local()
_LEARNING_PHASE = {"value": None}


def floatx():
    """The default float type of layers and weights, as a string (`'float32'`)."""
    return _CONFIG["floatx"]


def set_floatx(value):
    """Sets the default float type: one of 'float16', 'bfloat16', 'float32', 'float64'.

    >>> set_floatx("float64"); set_floatx("float32")
    """
    allowed = ("float16", "bfloat16", "float32", "float64")
    value = tf.as_dtype(value).name if not isinstance(value, str) else value
    if value not in allowed:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {set(allowed)}")
    _CONFIG["floatx"] = value


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7 by default)."""
    return _CONFIG["epsilon"]


def set_epsilon(value):
    _CONFIG["epsilon"] = float(value)


def image_data_format():
    """'channels_last' (default) or 'channels_first'."""
    return _CONFIG["image_data_format"]


def set_image_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
    _CONFIG["image_data_format"] = data_format


def _counters():
    c = getattr(_NAMES, "counts", None)
    if c is None:
        c = _NAMES.counts = {}
    return c


def clear_session():
    """Resets Keras' global state: layer names start again at `dense`, ..., and the
    compiled programs jax holds in its caches are dropped (their memory is freed
    once no model refers to them).

    >>> clear_session()
    """
    _counters().clear()
    _LEARNING_PHASE["value"] = None
    jax.clear_caches()
    gc.collect()
    release_freed_memory()


def get_uid(prefix=""):
    """1 on the first call with `prefix`, then 2, 3, ..."""
    counts = _counters()
    counts[prefix] = counts.get(prefix, 0) + 1
    return counts[prefix]


def unique_object_name(base):
    """`base` the first time, then `base_1`, `base_2`, ... (until clear_session)."""
    n = get_uid(base) - 1
    return base if n == 0 else f"{base}_{n}"


def to_snake_case(name):
    """`'BatchNormalization'` -> `'batch_normalization'`."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return "private" + s if s.startswith("_") else s


def int_shape(x):
    """The shape of a tensor or variable as a tuple of ints/None.

    >>> int_shape(tf.zeros((2, 3)))
    (2, 3)
    """
    shape = x.shape
    return tuple(shape.as_list()) if hasattr(shape, "as_list") else tuple(shape)


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def cast_to_floatx(x):
    return tf.cast(tf.convert_to_tensor(x), floatx())


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution (`tf.keras.backend.random_normal`).

    >>> random_normal((2, 3)).shape
    TensorShape([2, 3])
    """
    return tf.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return tf.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype or floatx(),
                             seed=seed)


def learning_phase():
    """0 or 1 when set by `set_learning_phase`, else None (training follows each call)."""
    return _LEARNING_PHASE["value"]


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1. Received: value={value}")
    _LEARNING_PHASE["value"] = value


class name_scope:  # noqa: N801 - keras.backend.name_scope is lowercase
    """A no-op context naming a block (eager Keras has no graph names)."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False


# -- variables and values -------------------------------------------------------
def get_value(x):
    """The value of a variable or tensor as a NumPy array (a scalar stays 0-d).

    >>> get_value(tf.Variable([1.0, 2.0]))
    array([1., 2.], dtype=float32)
    """
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy"):
        return x.numpy()
    return np.asarray(x)


def batch_get_value(tensors):
    """`[get_value(t) for t in tensors]`."""
    return [get_value(t) for t in tensors]


def set_value(x, value):
    """Assigns a NumPy value to variable `x` (shape must match).

    >>> v = tf.Variable([0.0, 0.0]); set_value(v, [3.0, 4.0]); get_value(v)
    array([3., 4.], dtype=float32)
    """
    x.assign(np.asarray(value, dtype=tf.as_dtype(x.dtype).as_numpy_dtype))


def batch_set_value(tuples):
    """`set_value(x, value)` for each `(x, value)` pair."""
    for x, value in tuples:
        set_value(x, value)


def eval(x):  # noqa: A001 - keras.backend.eval
    """Evaluates a tensor: its NumPy value."""
    return get_value(x)


def variable(value, dtype=None, name=None, constraint=None):
    """A `tf.Variable` of `value` in `dtype` (floatx by default)."""
    dtype = dtype or floatx()
    return tf.Variable(np.asarray(value, tf.as_dtype(dtype).as_numpy_dtype), dtype=dtype,
                       name=name, constraint=constraint)


def constant(value, dtype=None, shape=None, name=None):
    return tf.constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def zeros(shape, dtype=None, name=None):
    return tf.Variable(tf.zeros(shape, dtype=dtype or floatx()), name=name)


def ones(shape, dtype=None, name=None):
    return tf.Variable(tf.ones(shape, dtype=dtype or floatx()), name=name)


def shape(x):
    """The dynamic shape of `x` as an int32 tensor."""
    return tf.shape(x)


def ndim(x):
    """The rank of `x` as a Python int."""
    return len(x.shape)


def dtype(x):
    """The dtype name of `x`, e.g. 'float32'."""
    return tf.as_dtype(x.dtype).name


def count_params(x):
    """The number of scalars in `x`."""
    return int(np.prod(int_shape(x)))


# -- math (as tf.keras.backend; `axis=None` reduces over everything) -------------
# Functions, not aliases: `tapeflow` imports this module before its own namespace is complete.
def mean(x, axis=None, keepdims=False):
    """Mean of `x` over `axis` (all axes when None).

    >>> float(mean(tf.constant([1.0, 2.0, 6.0])))
    3.0
    """
    return tf.reduce_mean(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_sum(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_min(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return tf.reduce_prod(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance of `x` over `axis`.

    >>> float(var(tf.constant([1.0, 3.0])))
    1.0
    """
    m = tf.reduce_mean(x, axis=axis, keepdims=True)
    return tf.reduce_mean(tf.square(x - m), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation of `x` over `axis`."""
    return tf.sqrt(var(x, axis=axis, keepdims=keepdims))


def abs(x):  # noqa: A001
    return tf.abs(x)


def square(x):
    return tf.square(x)


def sqrt(x):
    """Square root, with negative inputs clipped to 0 as tf.keras does."""
    return tf.sqrt(tf.maximum(x, tf.zeros_like(x)))


def exp(x):
    return tf.exp(x)


def log(x):
    return tf.math.log(x)


def tanh(x):
    return tf.tanh(x)


def sigmoid(x):
    return tf.sigmoid(x)


def cast(x, dtype):
    return tf.cast(x, dtype)


def reshape(x, shape):
    return tf.reshape(x, shape)


def expand_dims(x, axis=-1):
    return tf.expand_dims(x, axis)


def squeeze(x, axis):
    return tf.squeeze(x, [axis])


def clip(x, min_value, max_value):
    """`x` clipped into [min_value, max_value] (max_value below min_value is raised)."""
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    return tf.clip_by_value(x, min_value, max_value)


def dot(x, y):
    """Matrix product of the last axis of `x` with the second-to-last of `y`."""
    if len(x.shape) > 2 or len(y.shape) > 2:
        return tf.tensordot(x, y, axes=[[len(x.shape) - 1], [builtins.max(len(y.shape) - 2, 0)]])
    return tf.matmul(x, y)


def concatenate(tensors, axis=-1):
    return tf.concat(list(tensors), axis)


def stack(x, axis=0):
    return tf.stack(list(x), axis=axis)


def transpose(x):
    return tf.transpose(x)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """keras.activations.relu."""
    return activations.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def softmax(x, axis=-1):
    return tf.nn.softmax(x, axis=axis)
