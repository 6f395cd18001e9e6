"""RandomFlip: in training, flips each image horizontally and/or vertically with
probability 1/2 (each direction decided independently per image).

>>> import tapeflow as tf
>>> RandomFlip()(tf.ones([2, 3, 3, 1]), training=False).shape
TensorShape([2, 3, 3, 1])
"""
import tapeflow as tf

from .image_layer import ImageLayer

__all__ = ["RandomFlip"]

HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL = "horizontal", "vertical", "horizontal_and_vertical"


class RandomFlip(ImageLayer):
    """Random horizontal/vertical flips during training; identity at inference."""

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode}")
        self.mode = mode

    def _flip(self, x, axis):
        coin = self._uniform([int(x.shape[0])], 0.0, 1.0) < 0.5
        return tf.where(tf.reshape(coin, [-1, 1, 1, 1]), tf.reverse(x, [axis]), x)

    def call(self, inputs, training=True):
        x = self._float(inputs)
        return self._on_batch(x, self._flips) if training else x

    def _flips(self, x):
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x = self._flip(x, 2)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            x = self._flip(x, 1)
        return x

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
