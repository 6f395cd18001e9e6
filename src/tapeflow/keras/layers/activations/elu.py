"""ELU: x for x > 0, alpha * (exp(x) - 1) otherwise."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["ELU"]


class ELU(Layer):
    """Exponential linear unit with scale `alpha` (default 1.0) below zero.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ELU(alpha=2.0)(tf.constant([0.0, 1.0])).numpy()
    array([0., 1.], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("Alpha of an ELU layer cannot be None, expecting a float. "
                             f"Received: {alpha}")
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        out = tf.nn.elu(inputs)
        if self.alpha == 1.0:
            return out
        return tf.where(inputs > 0, out, self.alpha * out)

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
