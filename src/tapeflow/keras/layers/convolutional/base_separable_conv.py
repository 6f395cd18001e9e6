"""SeparableConv: depthwise then pointwise convolution, behind SeparableConv1D / 2D.

A DepthwiseConv (per-channel filters, `depth_multiplier` per channel) followed
by a 1x1 convolution to `filters` outputs. Weights as tf.keras:
`depthwise_kernel` `kernel_size + (in_channels, depth_multiplier)`,
`pointwise_kernel` `(1,) * rank + (in_channels * depth_multiplier, filters)`,
`bias` `(filters,)`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.SeparableConv2D(4, 3)(tf.ones((1, 5, 5, 2))).shape
TensorShape([1, 3, 3, 4])
"""
import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..input_spec import InputSpec
from .base_conv import Conv, tf_data_format
from .base_depthwise_conv import depthwise_convolution

__all__ = ["SeparableConv"]


class SeparableConv(Conv):
    """N-D separable convolution; see SeparableConv1D / SeparableConv2D."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs.pop("groups", None)
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
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
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._check_output_positive(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, trainable=True)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def call(self, inputs):
        depthwise = tf.convert_to_tensor(self.depthwise_kernel)
        if inputs.dtype != depthwise.dtype:
            inputs = tf.cast(inputs, depthwise.dtype)
        mid = depthwise_convolution(self, inputs, depthwise)
        outputs = tf.nn.convolution(mid, tf.convert_to_tensor(self.pointwise_kernel),
                                    padding="VALID",
                                    data_format=tf_data_format(self.data_format, self.rank))
        return self.activation(self._add_bias(outputs))

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint)})
        return config
