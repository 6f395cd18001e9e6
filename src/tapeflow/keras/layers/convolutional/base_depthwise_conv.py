"""DepthwiseConv: per-channel convolution behind DepthwiseConv1D and DepthwiseConv2D.

Each input channel is convolved with its own `depth_multiplier` filters, giving
`in_channels * depth_multiplier` outputs (channel `c * depth_multiplier + m`).
Weights as tf.keras: `depthwise_kernel` of shape
`kernel_size + (in_channels, depth_multiplier)` and `bias` of shape
`(in_channels * depth_multiplier,)`. It runs as a grouped convolution with one
group per input channel. SeparableConv reuses `depthwise_convolution`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.DepthwiseConv2D(3, depth_multiplier=2)(tf.ones((1, 5, 5, 3))).shape
TensorShape([1, 3, 3, 6])
"""
import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..input_spec import InputSpec
from .base_conv import Conv, tf_data_format

__all__ = ["DepthwiseConv", "depthwise_convolution"]


def depthwise_convolution(layer, inputs, depthwise_kernel):
    """Grouped conv of `inputs` with `depthwise_kernel` (*k, C, M), using `layer`'s settings."""
    shape = depthwise_kernel.shape.as_list()
    kernel = tf.reshape(depthwise_kernel, shape[:-2] + [1, shape[-2] * shape[-1]])
    return tf.nn.convolution(inputs, kernel, strides=list(layer.strides),
                             padding=layer._tf_padding(), dilations=list(layer.dilation_rate),
                             data_format=tf_data_format(layer.data_format, layer.rank))


class DepthwiseConv(Conv):
    """N-D depthwise convolution; see DepthwiseConv1D / DepthwiseConv2D."""

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs.pop("groups", None)
        super().__init__(rank, None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError("Invalid value for argument `depth_multiplier`. Expected a "
                             f"strictly positive integer. Received: "
                             f"depth_multiplier={depth_multiplier}")
        self.depth_multiplier = depth_multiplier
        self.input_spec = InputSpec(ndim=rank + 2)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _allows_causal(self):
        return False

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._check_output_positive(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _output_channels(self, input_shape):
        ch = input_shape[self._channel_axis]
        return None if ch is None else ch * self.depth_multiplier

    def call(self, inputs):
        kernel = tf.convert_to_tensor(self.depthwise_kernel)
        if inputs.dtype != kernel.dtype:
            inputs = tf.cast(inputs, kernel.dtype)
        outputs = depthwise_convolution(self, inputs, kernel)
        return self.activation(self._add_bias(outputs))

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer",
                    "kernel_constraint"):
            config.pop(key)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint)})
        return config
