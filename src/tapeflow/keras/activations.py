"""`keras.activations`: element-wise activation functions, by name or as functions.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.activations.get("relu")(tf.constant([-1.0, 2.0])).numpy()
array([0., 2.], dtype=float32)
"""
import tapeflow as tf

from ._lookup import find as _find

__all__ = ["relu", "sigmoid", "softmax", "softplus", "softsign", "tanh", "selu", "elu",
           "exponential", "hard_sigmoid", "linear", "swish", "silu", "gelu", "mish",
           "log_softmax", "relu6", "leaky_relu", "get", "serialize", "deserialize"]


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0); with `alpha` a leaky slope below `threshold`, capped at `max_value`.

    >>> relu(tf.constant([-2.0, 3.0]), max_value=2.0).numpy()
    array([0., 2.], dtype=float32)
    """
    x = tf.convert_to_tensor(x)
    if alpha == 0 and max_value is None and threshold == 0:
        return tf.nn.relu(x)
    below = x < threshold
    y = tf.where(below, tf.zeros_like(x), x)
    if max_value is not None:
        y = tf.minimum(y, tf.cast(max_value, x.dtype))
    if alpha != 0:
        y = tf.where(below, alpha * (x - threshold), y)
    return y


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return tf.sigmoid(x)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (the last by default)."""
    x = tf.convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return tf.nn.log_softmax(x, axis=axis)


def softplus(x):
    """log(exp(x) + 1)."""
    return tf.nn.softplus(x)


def softsign(x):
    """x / (|x| + 1)."""
    return tf.nn.softsign(x)


def tanh(x):
    return tf.tanh(x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    y = tf.nn.elu(x)
    if alpha == 1:
        return y
    return tf.where(tf.convert_to_tensor(x) > 0, y, alpha * y)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    return tf.nn.selu(x)


def exponential(x):
    return tf.exp(x)


def hard_sigmoid(x):
    """Piecewise linear sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    x = tf.convert_to_tensor(x)
    return tf.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def linear(x):
    """The identity: returns `x` unchanged."""
    return x


def swish(x):
    """x * sigmoid(x)."""
    return tf.nn.swish(x)


silu = swish


def gelu(x, approximate=False):
    """Gaussian error linear unit; the tanh approximation with `approximate=True`."""
    return tf.nn.gelu(x, approximate=approximate)


def mish(x):
    """x * tanh(softplus(x))."""
    return x * tf.tanh(tf.nn.softplus(x))


def relu6(x):
    """min(max(x, 0), 6)."""
    return tf.nn.relu6(x)


def leaky_relu(x, alpha=0.2):
    return tf.nn.leaky_relu(x, alpha=alpha)


_TABLE = {f.__name__: f for f in (relu, sigmoid, softmax, softplus, softsign, tanh, selu, elu,
                                  exponential, hard_sigmoid, linear, swish, gelu, mish,
                                  log_softmax, relu6, leaky_relu)}
_TABLE["silu"] = swish


def get(identifier):
    """None -> linear; a name -> the function; a callable -> itself.

    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier.get("config", identifier.get("class_name")))
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    """The registered name of an activation function (`'relu'`), else its `__name__`."""
    for name, fn in _TABLE.items():
        if fn is activation:
            return "swish" if name == "silu" else name
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    name = getattr(activation, "__name__", None)
    if name in _TABLE:
        return name
    # tf.nn.relu and friends serialize by name, as in Keras
    if name is not None and getattr(tf.nn, name, None) is activation and name in _TABLE:
        return name
    return name


def deserialize(name, custom_objects=None):
    """'relu' -> `relu`; custom objects and the active `custom_object_scope` are honoured;
    unknown names raise a ValueError listing the valid ones."""
    fn = _find(name, _TABLE, custom_objects)
    if fn is None:
        raise ValueError(f"Unknown activation function: '{name}'. Valid names are: "
                         f"{sorted(_TABLE)}")
    return fn
