"""Pooling: the shared windowed max / average layer behind Max/AveragePooling1D/2D/3D.

Windows of `pool_size` move by `strides` (default: `pool_size`) over the
spatial axes; 'same' pads so the output is ceil(n / strides) long and average
pooling then divides by the number of real (unpadded) elements, as TF does.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.MaxPooling2D()(tf.ones((1, 5, 5, 3))).shape
TensorShape([1, 2, 2, 3])
"""
import tapeflow as tf

from ..convolutional import conv_utils as U
from ..convolutional.base_conv import tf_data_format
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["Pooling"]


class Pooling(Layer):
    """N-D pooling layer; `pool_function` is tf.nn.max_pool or tf.nn.avg_pool."""

    pool_function = None
    rank = 2

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = U.normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = U.normalize_tuple(strides, self.rank, "strides")
        self.padding = U.normalize_padding(padding)
        self.data_format = U.normalize_data_format(data_format, self.rank)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        out = self.compute_output_shape(shape).as_list()
        if any(d is not None and d <= 0 for d in out):
            raise ValueError(f"Computed output size would be negative in layer {self.name}: "
                             f"pool_size={self.pool_size} with padding='{self.padding}' does "
                             f"not fit the input. Received input shape {tuple(shape)}, "
                             f"output shape would be {tuple(out)}.")
        self.built = True

    def call(self, inputs):
        fn = type(self).pool_function
        return fn(inputs, list(self.pool_size), list(self.strides), self.padding.upper(),
                  data_format=tf_data_format(self.data_format, self.rank))

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        spatial = [U.conv_output_length(n, k, self.padding, s) for n, k, s in
                   zip(U.spatial_shape(shape, self.data_format), self.pool_size,
                       self.strides)]
        if self.data_format == "channels_first":
            return tf.TensorShape(shape[:2] + spatial)
        return tf.TensorShape(shape[:1] + spatial + shape[-1:])

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}
