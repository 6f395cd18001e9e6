"""SeparableConv1D: 1-D depthwise-separable convolution (alias SeparableConvolution1D)."""
from .base_separable_conv import SeparableConv

__all__ = ["SeparableConv1D", "SeparableConvolution1D"]


class SeparableConv1D(SeparableConv):
    """Per-channel 1-D convolution, then a pointwise (1x1) convolution to `filters`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.SeparableConv1D(8, 3, padding="causal")(tf.ones((1, 6, 4))).shape
    TensorShape([1, 6, 8])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(1, filters, kernel_size, *args, **kwargs)

    def _allows_causal(self):
        return True


SeparableConvolution1D = SeparableConv1D
