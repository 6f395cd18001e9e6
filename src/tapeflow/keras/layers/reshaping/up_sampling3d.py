"""UpSampling3D: repeats the three spatial axes of 5-D inputs (nearest neighbour)."""
from .base_up_sampling import UpSampling

__all__ = ["UpSampling3D"]


class UpSampling3D(UpSampling):
    """(batch, d1, d2, d3, channels) -> (batch, d1 * s1, d2 * s2, d3 * s3, channels).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.UpSampling3D((1, 2, 3))(tf.ones((1, 2, 2, 2, 4))).shape
    TensorShape([1, 2, 4, 6, 4])
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)
