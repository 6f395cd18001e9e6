"""Small numeric building blocks shared by losses and metrics.

Each helper uses the `tf.nn` / `tf.math` op when tapeflow provides it and
otherwise composes the same value from basic tapeflow ops, so gradients are
recorded either way.

>>> import tapeflow as tf
>>> float(logsumexp(tf.constant([0.0, 0.0]), axis=-1))  # log(2)
0.6931471824645996
"""
import tapeflow as tf
from .. import backend

__all__ = ["EPSILON", "epsilon", "logsumexp", "log_softmax", "softmax", "softplus",
           "sigmoid", "l2_normalize", "div_no_nan", "rank", "squeeze_last",
           "match_ranks", "as_float"]

EPSILON = 1e-7


def epsilon():
    """Keras's fuzz factor (keras.backend.epsilon(), 1e-7 by default)."""
    try:
        fn = getattr(backend, "epsilon", None)
        return float(fn()) if fn is not None else EPSILON
    except ImportError:  # pragma: no cover - backend always importable
        return EPSILON


def _nn(name):
    return getattr(tf.nn, name, None)


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) along `axis`, computed stably."""
    fn = getattr(tf, "reduce_logsumexp", None) or getattr(tf.math, "reduce_logsumexp", None)
    if fn is not None:
        return fn(x, axis=axis, keepdims=keepdims)
    m = tf.stop_gradient(tf.reduce_max(x, axis=axis, keepdims=True))
    r = tf.math.log(tf.reduce_sum(tf.exp(x - m), axis=axis, keepdims=True)) + m
    return r if keepdims else tf.squeeze(r, axis=axis)


def log_softmax(x, axis=-1):
    fn = _nn("log_softmax")
    if fn is not None:
        return fn(x, axis=axis)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    fn = _nn("softmax")
    if fn is not None:
        return fn(x, axis=axis)
    return tf.exp(log_softmax(x, axis))


def softplus(x):
    """log(1 + exp(x)), stable for large |x|."""
    fn = _nn("softplus") or getattr(tf.math, "softplus", None)
    if fn is not None:
        return fn(x)
    return tf.maximum(x, 0.0) + tf.math.log1p(tf.exp(-tf.abs(x)))


def sigmoid(x):
    return tf.sigmoid(x)


def l2_normalize(x, axis=-1, eps=1e-12):
    fn = getattr(tf.math, "l2_normalize", None) or _nn("l2_normalize")
    if fn is not None:
        return fn(x, axis=axis)
    sq = tf.reduce_sum(tf.square(x), axis=axis, keepdims=True)
    return x / tf.sqrt(tf.maximum(sq, eps))


def div_no_nan(x, y):
    """x / y, and 0 where y == 0."""
    fn = getattr(tf.math, "divide_no_nan", None)
    if fn is not None:
        return fn(x, y)
    y = tf.convert_to_tensor(y) if not isinstance(y, tf.Tensor) else y
    safe = tf.where(tf.equal(y, 0), tf.ones_like(y), y)
    return tf.where(tf.equal(y, 0), tf.zeros_like(x / safe), x / safe)


def rank(x):
    return len(x.shape)


def as_float(x, dtype=None):
    """Tensor conversion; integer/bool inputs become float32 (or `dtype`)."""
    x = tf.convert_to_tensor(x) if not isinstance(x, tf.Tensor) else x
    if dtype is not None:
        return tf.cast(x, dtype) if x.dtype != tf.as_dtype(dtype) else x
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    return x


def squeeze_last(x):
    return tf.squeeze(x, axis=-1)


def match_ranks(y_pred, y_true):
    """Squeezes a trailing 1-dim so y_true and y_pred have equal rank (Keras rule)."""
    rp, rt = rank(y_pred), rank(y_true)
    if rt == rp + 1 and y_true.shape[-1] == 1:
        y_true = squeeze_last(y_true)
    elif rp == rt + 1 and y_pred.shape[-1] == 1:
        y_pred = squeeze_last(y_pred)
    return y_pred, y_true
