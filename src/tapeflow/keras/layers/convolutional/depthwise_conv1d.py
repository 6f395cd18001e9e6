"""DepthwiseConv1D: 1-D depthwise (per-channel) convolution."""
from .base_depthwise_conv import DepthwiseConv

__all__ = ["DepthwiseConv1D"]


class DepthwiseConv1D(DepthwiseConv):
    """1-D depthwise convolution; `depthwise_kernel` `kernel_size + (in, depth_multiplier)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.DepthwiseConv1D(3, padding="same")(tf.ones((1, 6, 4))).shape
    TensorShape([1, 6, 4])
    """

    def __init__(self, kernel_size, *args, **kwargs):
        super().__init__(1, kernel_size, *args, **kwargs)
