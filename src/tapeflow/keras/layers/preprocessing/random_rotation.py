"""RandomRotation: in training, rotates each image by a random angle
(`factor` is a fraction of a full turn; positive angles turn counter-clockwise).

>>> import tapeflow as tf
>>> RandomRotation(0.1, seed=1)(tf.ones([2, 4, 4, 1])).shape
TensorShape([2, 4, 4, 1])
"""
import math

from ....image.transform_ops import rotation_transforms
from .image_layer import AffineImageLayer, parse_factor

__all__ = ["RandomRotation"]


class RandomRotation(AffineImageLayer):
    """Rotations by angles drawn from [lower, upper] * 2 pi, one per image."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor
        self.lower, self.upper = parse_factor(factor, "factor")
        if self.upper < self.lower:
            raise ValueError(f"`factor` argument cannot have a negative value. "
                             f"Received: factor={factor}")

    def _transforms(self, batch, height, width):
        angles = self._uniform([batch], self.lower * 2.0 * math.pi,
                               self.upper * 2.0 * math.pi)
        return rotation_transforms(angles, height, width)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
