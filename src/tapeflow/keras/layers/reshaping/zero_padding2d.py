"""ZeroPadding2D: zero rows/columns around (batch, rows, cols, channels) images."""
from .base_zero_padding import ZeroPadding

__all__ = ["ZeroPadding2D"]


class ZeroPadding2D(ZeroPadding):
    """Pads rows and cols: an int, (rows, cols), or ((top, bottom), (left, right)).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ZeroPadding2D(((1, 0), (2, 2)))(tf.ones((1, 3, 3, 1))).shape
    TensorShape([1, 4, 7, 1])
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
