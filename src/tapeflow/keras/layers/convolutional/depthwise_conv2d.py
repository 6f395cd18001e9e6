"""DepthwiseConv2D: 2-D depthwise (per-channel) convolution."""
from .base_depthwise_conv import DepthwiseConv

__all__ = ["DepthwiseConv2D"]


class DepthwiseConv2D(DepthwiseConv):
    """2-D depthwise convolution; `depthwise_kernel` `kernel_size + (in, depth_multiplier)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.DepthwiseConv2D(3, strides=2, depth_multiplier=3)(tf.ones((1, 7, 7, 2))).shape
    TensorShape([1, 3, 3, 6])
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
