"""GaussianNoise: adds N(0, stddev^2) noise in training; identity at inference."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["GaussianNoise"]


class GaussianNoise(Layer):
    """`inputs + noise` when training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training:
            return inputs
        return inputs + tf.random.normal(tf.shape(inputs), stddev=self.stddev,
                                         dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
