"""RandomCrop: in training, one random (height, width) window for the whole batch;
at inference (or for images smaller than the target) a `smart_resize`.

>>> import tapeflow as tf
>>> RandomCrop(2, 3)(tf.zeros([1, 5, 5, 3])).shape
TensorShape([1, 2, 3, 3])
"""
import tapeflow as tf

from .image_layer import ImageLayer, smart_resize

__all__ = ["RandomCrop"]


class RandomCrop(ImageLayer):
    """Randomly crops images to `height` x `width` during training."""

    def __init__(self, height, width, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs, training=True):
        x = self._float(inputs)
        h, w = int(x.shape[-3]), int(x.shape[-2])
        dh, dw = h - self.height, w - self.width
        if not training or dh < 0 or dw < 0:
            return tf.cast(smart_resize(x, [self.height, self.width]), self._dtype)
        u = self._uniform([2], 0.0, 1.0)
        top = tf.minimum(tf.cast(u[0] * (dh + 1), tf.int32), dh)
        left = tf.minimum(tf.cast(u[1] * (dw + 1), tf.int32), dw)
        axis = x.shape.rank - 3
        x = tf.gather(x, top + tf.range(self.height), axis=axis)
        return tf.gather(x, left + tf.range(self.width), axis=axis + 1)
