"""Conv3DTranspose: 3-D transposed convolution (alias Convolution3DTranspose)."""
from .base_conv_transpose import ConvTranspose

__all__ = ["Conv3DTranspose", "Convolution3DTranspose"]


class Conv3DTranspose(ConvTranspose):
    """3-D transposed convolution; kernel shape `kernel_size + (filters, in_channels)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv3DTranspose(2, 3, output_padding=1, strides=2)(tf.ones((1, 2, 2, 2, 1))).shape
    TensorShape([1, 6, 6, 6, 2])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(3, filters, kernel_size, *args, **kwargs)


Convolution3DTranspose = Conv3DTranspose
