"""Cropping: removes entries before/after each spatial axis, behind Cropping1D/2D/3D.

`cropping` takes the same forms as ZeroPadding's `padding` (int, `rank` ints
or `rank` pairs) and is stored as pairs.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.Cropping2D(((1, 0), (0, 2)))(tf.ones((1, 4, 5, 3))).shape
TensorShape([1, 3, 3, 3])
"""
import tapeflow as tf

from ..convolutional import conv_utils as U
from ..input_spec import InputSpec
from ..layer import Layer
from .base_zero_padding import normalize_pairs

__all__ = ["Cropping"]


class Cropping(Layer):
    """Crops the `rank` spatial axes of (batch, *spatial, channels) inputs."""

    rank = 2

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_pairs(cropping, self.rank, "cropping")
        self.data_format = U.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _first_spatial(self):
        return 2 if self.data_format == "channels_first" else 1

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        start = self._first_spatial()
        for i, (lo, hi) in enumerate(self.cropping):
            n = shape[start + i]
            if n is not None and n <= lo + hi:
                raise ValueError(f"Argument `cropping` must be smaller than the input "
                                 f"spatial size in layer {self.name}. Received: input_shape="
                                 f"{tuple(shape)}, cropping={self.cropping}")
        self.built = True

    def call(self, inputs):
        shape = inputs.shape.as_list()
        start = self._first_spatial()
        index = [slice(None)] * len(shape)
        for i, (lo, hi) in enumerate(self.cropping):
            index[start + i] = slice(lo, shape[start + i] - hi)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        start = self._first_spatial()
        for i, (lo, hi) in enumerate(self.cropping):
            if shape[start + i] is not None:
                shape[start + i] -= lo + hi
        return tf.TensorShape(shape)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}
