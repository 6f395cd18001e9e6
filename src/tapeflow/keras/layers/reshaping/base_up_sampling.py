"""UpSampling: nearest-neighbour repetition of the spatial axes, behind UpSampling1D/2D/3D.

Each spatial entry is repeated `size[i]` times along axis i (what tf.keras does
for 'nearest'); UpSampling2D also interpolates through `tf.image.resize`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.UpSampling1D(2)(tf.constant([[[1.], [2.]]])).numpy().ravel()
array([1., 1., 2., 2.], dtype=float32)
"""
import tapeflow as tf

from ..convolutional import conv_utils as U
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["UpSampling"]


class UpSampling(Layer):
    """Repeats the `rank` spatial axes of (batch, *spatial, channels) inputs `size` times."""

    rank = 2

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = U.normalize_tuple(size, self.rank, "size")
        self.data_format = U.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _first_spatial(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        out = inputs
        for i, s in enumerate(self.size):
            if s != 1:
                out = tf.repeat(out, s, axis=self._first_spatial() + i)
        return out

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        start = self._first_spatial()
        for i, s in enumerate(self.size):
            if shape[start + i] is not None:
                shape[start + i] *= s
        return tf.TensorShape(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
