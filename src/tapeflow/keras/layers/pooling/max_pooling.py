"""MaxPooling1D/2D/3D: the maximum over windows (aliases MaxPool1D/2D/3D)."""
import tapeflow as tf

from .base_pooling import Pooling

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "MaxPool1D",
           "MaxPool2D", "MaxPool3D"]


class MaxPooling1D(Pooling):
    """Maximum over windows of `pool_size` steps of (batch, steps, features) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.MaxPooling1D(2)(tf.reshape(tf.range(4.), (1, 4, 1))).numpy().ravel()
    array([1., 3.], dtype=float32)
    """

    pool_function = staticmethod(tf.nn.max_pool)
    rank = 1


class MaxPooling2D(Pooling):
    """Maximum over `pool_size` windows of (batch, rows, cols, channels) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.MaxPooling2D(padding="same")(tf.ones((1, 3, 3, 1))).shape
    TensorShape([1, 2, 2, 1])
    """

    pool_function = staticmethod(tf.nn.max_pool)
    rank = 2


class MaxPooling3D(Pooling):
    """Maximum over `pool_size` windows of 5-D (batch, d1, d2, d3, channels) inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.MaxPooling3D()(tf.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    pool_function = staticmethod(tf.nn.max_pool)
    rank = 3


MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
