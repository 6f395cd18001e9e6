"""RandomZoom: in training, zooms each image about its centre by a random factor
(negative `height_factor` values zoom in, positive ones zoom out).

>>> import tapeflow as tf
>>> RandomZoom(0.2, seed=1)(tf.ones([2, 4, 4, 1])).shape
TensorShape([2, 4, 4, 1])
"""
import tapeflow as tf

from .image_layer import AffineImageLayer, parse_factor

__all__ = ["RandomZoom"]


def _factor(factor, name):
    lower, upper = parse_factor(factor, name)
    if upper < lower:
        raise ValueError(f"`{name}` cannot have upper bound less than lower bound. "
                         f"Received: {name}={factor}")
    if lower < -1.0 or upper < -1.0:
        raise ValueError(f"`{name}` argument must have values larger than -1. "
                         f"Received: {name}={factor}")
    return lower, upper


class RandomZoom(AffineImageLayer):
    """Zoom with heights scaled by 1 + U(height_factor) (widths likewise, or the same)."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = _factor(height_factor, "height_factor")
        if width_factor is not None:
            self.width_lower, self.width_upper = _factor(width_factor, "width_factor")

    def _transforms(self, batch, height, width):
        zy = 1.0 + self._uniform([batch, 1], self.height_lower, self.height_upper)
        if self.width_factor is None:
            zx = zy
        else:
            zx = 1.0 + self._uniform([batch, 1], self.width_lower, self.width_upper)
        zero = tf.zeros_like(zx)
        x_off = (width - 1.0) / 2.0 * (1.0 - zx)
        y_off = (height - 1.0) / 2.0 * (1.0 - zy)
        return tf.concat([zx, zero, x_off, zero, zy, y_off, zero, zero], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
