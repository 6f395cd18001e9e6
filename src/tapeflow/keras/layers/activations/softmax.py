"""Softmax: exp(x) / sum(exp(x)) along `axis`, with masked entries pushed to zero."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Softmax"]


class Softmax(Layer):
    """Softmax over `axis` (an int, or a list of axes normalized together).

    `mask` (1 = keep) adds a large negative number to the masked logits first,
    so they get (almost) zero probability.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Softmax()(tf.constant([[1.0, 1.0, 1.0]]),
    ...                        mask=tf.constant([[True, True, False]])).numpy()
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            big = -65500.0 if inputs.dtype == tf.float16 else -1e9
            inputs = inputs + (1.0 - tf.cast(mask, inputs.dtype)) * big
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                return tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=list(self.axis),
                                                            keepdims=True))
            return tf.nn.softmax(inputs, axis=self.axis[0])
        return tf.nn.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
