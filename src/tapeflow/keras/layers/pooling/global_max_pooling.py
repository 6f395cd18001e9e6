"""GlobalMaxPooling1D/2D/3D: the maximum over all spatial axes (aliases GlobalMaxPool*)."""
import tapeflow as tf

from .base_global_pooling import GlobalPooling

__all__ = ["GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D"]


class GlobalMaxPooling1D(GlobalPooling):
    """Maximum over the steps of (batch, steps, features) inputs (a mask is ignored, as in tf.keras).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalMaxPooling1D()(tf.constant([[[1.], [3.]]])).numpy()
    array([[3.]], dtype=float32)
    """

    reduce_function = staticmethod(tf.reduce_max)
    rank = 1


class GlobalMaxPooling2D(GlobalPooling):
    """Maximum over rows and cols: (batch, rows, cols, channels) -> (batch, channels).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalMaxPooling2D(keepdims=True)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 1, 1, 3])
    """

    reduce_function = staticmethod(tf.reduce_max)
    rank = 2


class GlobalMaxPooling3D(GlobalPooling):
    """Maximum over the three spatial axes of 5-D inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalMaxPooling3D()(tf.ones((2, 2, 3, 4, 5))).shape
    TensorShape([2, 5])
    """

    reduce_function = staticmethod(tf.reduce_max)
    rank = 3


GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
