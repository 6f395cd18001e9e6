"""ConvTranspose: the shared layer behind Conv1DTranspose, Conv2DTranspose, Conv3DTranspose.

The transpose (gradient w.r.t. the input) of a convolution: each input
position scatters `kernel`-weighted copies into a `strides`-spaced output.
Weights as tf.keras: `kernel` of shape `kernel_size + (filters, in_channels)`,
`bias` of shape `(filters,)`. Output length per axis (k = dilated kernel):
'valid': n * s + max(k - s, 0); 'same': n * s; with `output_padding` p:
(n - 1) * s + k - 2 * pad + p where pad is k // 2 ('same') or 0 ('valid').

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.Conv2DTranspose(3, 3, strides=2)(tf.ones((1, 4, 4, 2))).shape
TensorShape([1, 9, 9, 3])
"""
import tapeflow as tf

from ..input_spec import InputSpec
from . import conv_utils as U
from .base_conv import Conv, tf_data_format

__all__ = ["ConvTranspose"]


class ConvTranspose(Conv):
    """N-D transposed convolution; see Conv2DTranspose."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, **kwargs):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if self.padding == "causal":
            raise ValueError(f"{type(self).__name__} does not support causal padding. "
                             f"Received: padding={padding}")
        self.output_padding = output_padding
        self.input_spec = InputSpec(ndim=rank + 2)
        if output_padding is not None:
            self.output_padding = U.normalize_tuple(output_padding, rank, "output_padding",
                                                    allow_zero=True)
            for stride, pad in zip(self.strides, self.output_padding):
                if pad >= stride:
                    raise ValueError("Strides must be greater than output padding. Received "
                                     f"strides={self.strides}, "
                                     f"output_padding={self.output_padding}.")

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._check_output_positive(input_shape)
        self.kernel = self.add_weight(
            "kernel", shape=self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _spatial_output_shape(self, spatial):
        pads = self.output_padding or (None,) * self.rank
        return [U.deconv_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d in
                zip(spatial, self.kernel_size, pads, self.strides, self.dilation_rate)]

    def convolution_op(self, inputs, kernel):
        shape = inputs.shape.as_list()
        spatial = self._spatial_output_shape(U.spatial_shape(shape, self.data_format))
        batch = shape[0]  # shapes are static eagerly, in tf.function and in symbolic traces
        out_shape = [batch, self.filters] + spatial if self.data_format == "channels_first" \
            else [batch] + spatial + [self.filters]
        return tf.nn.conv_transpose(inputs, kernel, out_shape,
                                    strides=list(self.strides), padding=self.padding.upper(),
                                    data_format=tf_data_format(self.data_format, self.rank),
                                    dilations=list(self.dilation_rate))

    def get_config(self):
        config = super().get_config()
        config.pop("groups", None)
        config["output_padding"] = self.output_padding
        return config
