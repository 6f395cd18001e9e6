"""RandomContrast: in training, `adjust_contrast` with one factor drawn from
[1 - lower, 1 + upper] for the batch, then clipping to [0, 255].

>>> import tapeflow as tf
>>> RandomContrast(0.5, seed=1)(tf.ones([1, 2, 2, 3])).shape
TensorShape([1, 2, 2, 3])
"""
import tapeflow as tf

from .image_layer import ImageLayer, parse_factor

__all__ = ["RandomContrast"]


class RandomContrast(ImageLayer):
    """Random contrast changes during training; identity at inference."""

    def __init__(self, factor, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        self.lower, self.upper = parse_factor(factor, "factor", symmetric=False)
        if self.lower < 0.0 or self.upper < 0.0 or self.lower > 1.0:
            raise ValueError(f"`factor` argument cannot have negative values or values "
                             f"greater than 1. Received: factor={factor}")

    def call(self, inputs, training=True):
        x = self._float(inputs)
        if not training:
            return x
        k = self._uniform([], 1.0 - self.lower, 1.0 + self.upper)
        return tf.clip_by_value(tf.image.adjust_contrast(x, tf.cast(k, x.dtype)), 0.0, 255.0)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
