"""ThresholdedReLU: x for x > theta, 0 otherwise."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["ThresholdedReLU"]


class ThresholdedReLU(Layer):
    """Keeps the entries above `theta` (default 1.0), zeroes the rest.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ThresholdedReLU(theta=1.0)(tf.constant([0.5, 1.0, 1.5])).numpy()
    array([0. , 0. , 1.5], dtype=float32)
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None:
            raise ValueError("Theta of a Thresholded ReLU layer cannot be None, expecting a "
                             f"float. Received: {theta}")
        if theta < 0:
            raise ValueError("The theta value of a Thresholded ReLU layer should be >=0. "
                             f"Received: {theta}")
        self.theta = float(theta)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * tf.cast(inputs > self.theta, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}
