"""Conv1DTranspose: 1-D transposed convolution (alias Convolution1DTranspose)."""
from .base_conv_transpose import ConvTranspose

__all__ = ["Conv1DTranspose", "Convolution1DTranspose"]


class Conv1DTranspose(ConvTranspose):
    """1-D transposed convolution; kernel shape `kernel_size + (filters, in_channels)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv1DTranspose(2, 3, strides=2, padding="same")(tf.ones((1, 5, 4))).shape
    TensorShape([1, 10, 2])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(1, filters, kernel_size, *args, **kwargs)


Convolution1DTranspose = Conv1DTranspose
