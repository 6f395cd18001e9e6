"""Masked softmax and masks shared by the attention layers.

>>> import tapeflow as tf
>>> masked_softmax(tf.constant([[1.0, 1.0, 5.0]]), tf.constant([[True, True, False]])).numpy()
array([[0.5, 0.5, 0. ]], dtype=float32)
"""
import tapeflow as tf

__all__ = ["masked_softmax", "causal_mask", "large_negative"]


def large_negative(dtype):
    """The additive mask value: -1e9, or float16's lowest finite value."""
    return -65504.0 if tf.as_dtype(dtype) == tf.float16 else -1e9


def masked_softmax(scores, mask=None, axes=(-1,)):
    """Softmax of `scores` over `axes`, where `mask` (broadcastable, True = keep) is False
    the score gets a large negative number added first (tf.keras's convention)."""
    if mask is not None:
        keep = tf.cast(mask, scores.dtype)
        scores = scores + (1.0 - keep) * large_negative(scores.dtype)
    axes = list(axes)
    if len(axes) == 1:
        return tf.nn.softmax(scores, axis=axes[0])
    return tf.exp(scores - tf.reduce_logsumexp(scores, axis=axes, keepdims=True))


def causal_mask(q_len, v_len):
    """`(1, q_len, v_len)` booleans: query step i sees value steps j <= i."""
    ones = tf.ones((1, q_len, v_len), tf.int32)
    return tf.cast(tf.linalg.band_part(ones, -1, 0), tf.bool)
