"""Conv1D: 1-D convolution over (batch, steps, channels) inputs (alias Convolution1D)."""
from .base_conv import Conv

__all__ = ["Conv1D", "Convolution1D"]


class Conv1D(Conv):
    """1-D convolution; kernel shape `kernel_size + (in_channels // groups, filters)`.
    'causal' left-pads the steps so output[t] sees only inputs[:t + 1].

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv1D(2, 3, padding="causal")(tf.ones((1, 5, 4))).shape
    TensorShape([1, 5, 2])
    """

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(1, filters, kernel_size, *args, **kwargs)


Convolution1D = Conv1D
