"""RandomTranslation: in training, shifts each image by random fractions of its
height and width.

>>> import tapeflow as tf
>>> RandomTranslation(0.1, 0.1, seed=1)(tf.ones([2, 4, 4, 1])).shape
TensorShape([2, 4, 4, 1])
"""
import tapeflow as tf

from .image_layer import AffineImageLayer, check_unit_range, parse_factor

__all__ = ["RandomTranslation"]


class RandomTranslation(AffineImageLayer):
    """Shifts by U(height_factor) * height rows and U(width_factor) * width columns."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = parse_factor(height_factor, "height_factor")
        check_unit_range(self.height_lower, self.height_upper, height_factor, "height_factor")
        self.width_lower, self.width_upper = parse_factor(width_factor, "width_factor")
        check_unit_range(self.width_lower, self.width_upper, width_factor, "width_factor")

    def _transforms(self, batch, height, width):
        dy = self._uniform([batch, 1], self.height_lower, self.height_upper) * float(height)
        dx = self._uniform([batch, 1], self.width_lower, self.width_upper) * float(width)
        one, zero = tf.ones_like(dx), tf.zeros_like(dx)
        return tf.concat([one, zero, -dx, zero, one, -dy, zero, zero], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
