"""AveragePooling1D/2D/3D: the mean over windows (aliases AvgPool1D/2D/3D)."""
import tapeflow as tf

from .base_pooling import Pooling

__all__ = ["AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D",
           "AvgPool2D", "AvgPool3D"]


class AveragePooling1D(Pooling):
    """Mean over windows of `pool_size` steps of (batch, steps, features) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.AveragePooling1D(2)(tf.reshape(tf.range(4.), (1, 4, 1))).numpy().ravel()
    array([0.5, 2.5], dtype=float32)
    """

    pool_function = staticmethod(tf.nn.avg_pool)
    rank = 1


class AveragePooling2D(Pooling):
    """Mean over `pool_size` windows of (batch, rows, cols, channels) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.AveragePooling2D(padding="same")(tf.ones((1, 3, 3, 1))).shape
    TensorShape([1, 2, 2, 1])
    """

    pool_function = staticmethod(tf.nn.avg_pool)
    rank = 2


class AveragePooling3D(Pooling):
    """Mean over `pool_size` windows of 5-D (batch, d1, d2, d3, channels) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.AveragePooling3D()(tf.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    pool_function = staticmethod(tf.nn.avg_pool)
    rank = 3


AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
