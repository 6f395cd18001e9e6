"""GlobalPooling: reduce all spatial axes (max or mean) behind the Global*Pooling layers.

(batch, *spatial, channels) -> (batch, channels), or (batch, 1, ..., 1,
channels) with `keepdims=True`. The 1-D average takes an optional `mask`
(batch, steps) and averages only the unmasked steps; the output carries no mask.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.GlobalAveragePooling2D()(tf.ones((2, 4, 4, 3))).shape
TensorShape([2, 3])
"""
import tapeflow as tf

from ..convolutional import conv_utils as U
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["GlobalPooling"]


class GlobalPooling(Layer):
    """Reduces the `rank` spatial axes with `reduce_function` (tf.reduce_max / mean)."""

    reduce_function = None
    rank = 2

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = U.normalize_data_format(data_format, self.rank)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.supports_masking = self.rank == 1

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return list(range(start, start + self.rank))

    def call(self, inputs):
        return type(self).reduce_function(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        axes = self._axes()
        if self.keepdims:
            return tf.TensorShape([1 if i in axes else d for i, d in enumerate(shape)])
        return tf.TensorShape([d for i, d in enumerate(shape) if i not in axes])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}
