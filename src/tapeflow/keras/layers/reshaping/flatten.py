"""Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...). `Flatten()(tf.ones((2, 3, 4)))`."""
import tapeflow as tf

from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["Flatten"]


class Flatten(Layer):
    """Keeps the batch axis, merges the others (channels_first inputs are moved first)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = inputs.shape.rank
        if self.data_format == "channels_first" and rank > 2:
            inputs = tf.transpose(inputs, [0] + list(range(2, rank)) + [1])
        if rank == 1:
            return tf.expand_dims(inputs, 1)
        rest = inputs.shape[1:]
        n = -1 if rest.num_elements() is None else rest.num_elements()
        return tf.reshape(inputs, [tf.shape(inputs)[0], n])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
