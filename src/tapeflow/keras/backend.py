"""`keras.backend`: global Keras settings and the helpers TF 2 code calls.

>>> from tapeflow.keras import backend
>>> backend.floatx()
'float32'
>>> backend.epsilon()
1e-07
"""
import re
import threading

import tapeflow as tf

__all__ = ["floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "set_image_data_format", "clear_session", "get_uid", "unique_object_name",
           "int_shape", "random_normal", "random_uniform", "is_keras_tensor", "cast_to_floatx",
           "learning_phase", "set_learning_phase", "to_snake_case", "name_scope"]

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
    """Resets Keras' global state: default layer names start again at `dense`, ...

    >>> clear_session()
    """
    _counters().clear()
    _LEARNING_PHASE["value"] = None


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
    from .keras_tensor import KerasTensor
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
