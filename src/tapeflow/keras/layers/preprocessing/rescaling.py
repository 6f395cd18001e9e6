"""Rescaling: `inputs * scale + offset` in the layer's compute dtype.

>>> import tapeflow as tf
>>> Rescaling(1 / 255)(tf.constant([[255]], tf.uint8)).numpy().tolist()
[[1.0]]
"""
import numpy as np

import tapeflow as tf

from ..layer import Layer

__all__ = ["Rescaling"]


class Rescaling(Layer):
    """Multiplies by `scale` and adds `offset` (e.g. 1/255 maps [0, 255] to [0, 1])."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        x = tf.convert_to_tensor(inputs)
        if x.dtype == tf.string:
            raise ValueError(f"Layer {self.name} expects numeric inputs. "
                             f"Received: dtype={x.dtype.name}")
        if x.dtype.name != self._dtype:
            x = tf.cast(x, self._dtype)
        scale = tf.constant(np.asarray(self.scale), dtype=x.dtype)
        offset = tf.constant(np.asarray(self.offset), dtype=x.dtype)
        return x * scale + offset

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
