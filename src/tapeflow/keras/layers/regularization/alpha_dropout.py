"""AlphaDropout: dropout that keeps SELU activations' mean and variance."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["AlphaDropout"]

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropped units take SELU's negative saturation value, then an affine fix-up."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or not 0 < self.rate < 1:
            return inputs
        shape = self.noise_shape or tf.shape(inputs)
        alpha_p = -_ALPHA * _SCALE
        keep = tf.cast(tf.random.uniform(shape, dtype=inputs.dtype, seed=self.seed) >= self.rate,
                       inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * keep + alpha_p * (1 - keep)) + b

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}
