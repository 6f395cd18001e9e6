"""ZeroPadding3D: zeros around the three spatial axes of 5-D inputs."""
from .base_zero_padding import ZeroPadding

__all__ = ["ZeroPadding3D"]


class ZeroPadding3D(ZeroPadding):
    """Pads the three spatial axes: an int, 3 ints, or 3 (before, after) pairs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ZeroPadding3D(1)(tf.ones((1, 2, 2, 2, 1))).shape
    TensorShape([1, 4, 4, 4, 1])
    """

    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
