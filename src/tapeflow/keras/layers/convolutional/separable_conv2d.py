"""SeparableConv2D: 2-D depthwise-separable convolution (alias SeparableConvolution2D)."""
from .base_separable_conv import SeparableConv

__all__ = ["SeparableConv2D", "SeparableConvolution2D"]


class SeparableConv2D(SeparableConv):
    """Per-channel 2-D convolution, then a pointwise (1x1) convolution to `filters`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.SeparableConv2D(8, 3, depth_multiplier=2)(tf.ones((1, 5, 5, 3))).shape
    TensorShape([1, 3, 3, 8])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)


SeparableConvolution2D = SeparableConv2D
