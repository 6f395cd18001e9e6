"""Resizing: resizes images to (height, width) with any `tf.image.resize` method,
optionally cropping to the target aspect ratio first.

>>> import tapeflow as tf
>>> Resizing(2, 3)(tf.zeros([1, 4, 4, 3])).shape
TensorShape([1, 2, 3, 3])
"""
import tapeflow as tf

from ....image.resize_ops import _METHODS
from .image_layer import ImageLayer, smart_resize

__all__ = ["Resizing"]


class Resizing(ImageLayer):
    """Resizes images to `height` x `width` (output in the compute dtype)."""

    _random = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 **kwargs):
        super().__init__(**kwargs)
        if interpolation not in _METHODS:
            raise NotImplementedError(f"Value not recognized for `interpolation`: "
                                      f"{interpolation}. Supported values are: "
                                      f"{list(_METHODS)}")
        if int(height) <= 0 or int(width) <= 0:
            raise ValueError(f"Layer Resizing needs positive sizes. "
                             f"Received: height={height}, width={width}")
        self.height, self.width = int(height), int(width)
        self.interpolation, self.crop_to_aspect_ratio = interpolation, crop_to_aspect_ratio

    def call(self, inputs):
        x = tf.convert_to_tensor(inputs)
        if x.shape.rank not in (3, 4):
            raise ValueError(f"Layer {self.name} expects images of rank 3 or 4. "
                             f"Received: shape={x.shape.as_list()}")
        size = [self.height, self.width]
        if self.crop_to_aspect_ratio:
            y = smart_resize(x, size, interpolation=self.interpolation)
        else:
            y = tf.image.resize(x, size, method=self.interpolation)
        return tf.cast(y, self._dtype)


    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio}
