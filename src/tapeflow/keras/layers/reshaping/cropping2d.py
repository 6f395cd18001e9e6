"""Cropping2D: drops rows/columns at the borders of images."""
from .base_cropping import Cropping

__all__ = ["Cropping2D"]


class Cropping2D(Cropping):
    """Removes ((top, bottom), (left, right)) rows/cols (an int or (rows, cols) is symmetric).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Cropping2D(1)(tf.ones((1, 5, 5, 3))).shape
    TensorShape([1, 3, 3, 3])
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
