"""Reshape: (batch, ...) -> (batch, *target_shape); one entry may be -1."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Reshape"]


class Reshape(Layer):
    """`Reshape((2, 3))(tf.ones((4, 6))).shape == (4, 2, 3)`."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return tf.reshape(inputs, [tf.shape(inputs)[0]] + list(self.target_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
