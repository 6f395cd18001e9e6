"""GaussianDropout: multiplies by N(1, rate/(1-rate)) noise in training."""
import math

import tapeflow as tf

from ..layer import Layer

__all__ = ["GaussianDropout"]


class GaussianDropout(Layer):
    """`inputs * noise` with mean-1 Gaussian noise when training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate, self.seed = rate, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * tf.random.normal(tf.shape(inputs), mean=1.0, stddev=stddev,
                                         dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
