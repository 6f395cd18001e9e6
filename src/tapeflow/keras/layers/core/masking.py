"""Masking: marks timesteps whose features all equal `mask_value` as padding."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Masking"]


class Masking(Layer):
    """Zeroes masked timesteps and emits the mask `any(inputs != mask_value, axis=-1)`."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * tf.cast(keep, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
