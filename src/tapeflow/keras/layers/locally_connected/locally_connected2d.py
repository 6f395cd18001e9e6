"""LocallyConnected2D: 2-D convolution-like layer with unshared weights ('valid' padding)."""
from .base_locally_connected import LocallyConnected

__all__ = ["LocallyConnected2D"]


class LocallyConnected2D(LocallyConnected):
    """(batch, rows, cols, channels) -> (batch, new_rows, new_cols, filters); one filter per output pixel.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.LocallyConnected2D(2, (2, 3), strides=2)(tf.ones((1, 6, 7, 1))).shape
    TensorShape([1, 3, 3, 2])
    """

    rank = 2
