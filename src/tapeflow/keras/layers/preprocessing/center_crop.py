"""CenterCrop: the central (height, width) window; smaller images are resized
(after cropping to the target aspect ratio) instead.

>>> import tapeflow as tf
>>> CenterCrop(2, 2)(tf.reshape(tf.range(16.), [4, 4, 1])).numpy()[..., 0].tolist()
[[5.0, 6.0], [9.0, 10.0]]
"""
import tapeflow as tf

from .image_layer import ImageLayer, smart_resize

__all__ = ["CenterCrop"]


class CenterCrop(ImageLayer):
    """Crops the centre of each image to `height` x `width`."""

    _random = False

    def __init__(self, height, width, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs):
        x = self._float(inputs)
        h, w = int(x.shape[-3]), int(x.shape[-2])
        dh, dw = h - self.height, w - self.width
        if dh < 0 or dw < 0:
            return tf.cast(smart_resize(x, [self.height, self.width]), self._dtype)
        return x[..., dh // 2:dh // 2 + self.height, dw // 2:dw // 2 + self.width, :]
