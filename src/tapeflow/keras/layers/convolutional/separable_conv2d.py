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

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(2, filters, kernel_size, *args, **kwargs)


SeparableConvolution2D = SeparableConv2D
