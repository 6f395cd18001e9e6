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

    def __init__(self, kernel_size, *args, **kwargs):
        super().__init__(2, kernel_size, *args, **kwargs)
