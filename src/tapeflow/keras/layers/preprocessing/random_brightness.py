"""RandomBrightness: in training, adds to each image a random delta, a fraction
(from `factor`) of the `value_range` span, then clips to `value_range`.

>>> import tapeflow as tf
>>> RandomBrightness(0.2, seed=1)(tf.fill([1, 2, 2, 3], 100.0)).shape
TensorShape([1, 2, 2, 3])
"""
import numbers

import tapeflow as tf

from .image_layer import ImageLayer

__all__ = ["RandomBrightness"]


class RandomBrightness(ImageLayer):
    """Random brightness shifts per image during training; identity at inference."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(factor, (tuple, list)) and len(factor) == 2:
            lower, upper = float(factor[0]), float(factor[1])
        elif isinstance(factor, numbers.Real):
            lower, upper = -abs(float(factor)), abs(float(factor))
        else:
            lower = upper = None
        if lower is None or not (-1.0 <= lower <= 1.0 and -1.0 <= upper <= 1.0):
            raise ValueError(f"The `factor` argument should be a number (or a list of two "
                             f"numbers) in the range [-1.0, 1.0]. Received: factor={factor}")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"The `value_range` argument should be a list of two numbers. "
                             f"Received: value_range={value_range}")
        self.factor, self.value_range = factor, tuple(sorted(value_range))
        self.lower, self.upper = sorted((lower, upper))

    def call(self, inputs, training=True):
        x = self._float(inputs)
        if not training:
            return x
        shape = [1, 1, 1] if x.shape.rank == 3 else [int(x.shape[0]), 1, 1, 1]
        lo, hi = self.value_range
        delta = self._uniform(shape, self.lower, self.upper) * float(hi - lo)
        return tf.clip_by_value(x + tf.cast(delta, x.dtype), float(lo), float(hi))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": list(self.value_range)}
