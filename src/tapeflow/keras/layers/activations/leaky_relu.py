"""LeakyReLU: x for x >= 0, alpha * x otherwise."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["LeakyReLU"]


class LeakyReLU(Layer):
    """Leaky rectifier with slope `alpha` (default 0.3) below zero.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.LeakyReLU()(tf.constant([-10.0, 2.0])).numpy()
    array([-3.,  2.], dtype=float32)
    """

    def __init__(self, alpha=0.3, **kwargs):
        if "negative_slope" in kwargs:  # Keras 3's name for alpha, met in its archives
            alpha = kwargs.pop("negative_slope")
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("The alpha value of a Leaky ReLU layer cannot be None. "
                             f"Expecting a float. Received: {alpha}")
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        return tf.nn.leaky_relu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
