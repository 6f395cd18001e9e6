"""Conv2D: 2-D convolution over (batch, rows, cols, channels) inputs (alias Convolution2D)."""
from .base_conv import Conv

__all__ = ["Conv2D", "Convolution2D"]


class Conv2D(Conv):
    """2-D convolution; kernel shape `kernel_size + (in_channels // groups, filters)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv2D(8, 3, strides=2, padding="same")(tf.ones((1, 7, 7, 3))).shape
    TensorShape([1, 4, 4, 8])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(2, filters, kernel_size, *args, **kwargs)


Convolution2D = Conv2D
