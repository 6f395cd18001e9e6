"""Conv2DTranspose: 2-D transposed convolution (alias Convolution2DTranspose)."""
from .base_conv_transpose import ConvTranspose

__all__ = ["Conv2DTranspose", "Convolution2DTranspose"]


class Conv2DTranspose(ConvTranspose):
    """2-D transposed convolution; kernel shape `kernel_size + (filters, in_channels)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv2DTranspose(4, 2, strides=2)(tf.ones((1, 3, 3, 1))).shape
    TensorShape([1, 6, 6, 4])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(2, filters, kernel_size, *args, **kwargs)


Convolution2DTranspose = Conv2DTranspose
