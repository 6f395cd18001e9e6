"""Dropout: in training, zeroes a `rate` fraction of inputs and scales the rest by 1/(1-rate).

>>> Dropout(0.5)(tf.ones((2, 2)), training=False).numpy()
array([[1., 1.],
       [1., 1.]], dtype=float32)
"""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Randomly drops inputs during training only; identity at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self.supports_masking = True

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        dyn = tf.shape(inputs)
        return [dyn[i] if d is None else d for i, d in enumerate(self.noise_shape)]

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return tf.nn.dropout(inputs, rate=self.rate, noise_shape=self._noise_shape(inputs),
                             seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}
