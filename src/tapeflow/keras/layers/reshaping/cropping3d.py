"""Cropping3D: drops entries at the borders of the three spatial axes of 5-D inputs."""
from .base_cropping import Cropping

__all__ = ["Cropping3D"]


class Cropping3D(Cropping):
    """Removes (before, after) entries on each spatial axis.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Cropping3D()(tf.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
