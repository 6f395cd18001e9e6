"""Conv3D: 3-D convolution over (batch, depth, rows, cols, channels) inputs (alias Convolution3D)."""
from .base_conv import Conv

__all__ = ["Conv3D", "Convolution3D"]


class Conv3D(Conv):
    """3-D convolution; kernel shape `kernel_size + (in_channels // groups, filters)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv3D(2, 3)(tf.ones((1, 4, 5, 6, 1))).shape
    TensorShape([1, 2, 3, 4, 2])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(3, filters, kernel_size, *args, **kwargs)


Convolution3D = Conv3D
