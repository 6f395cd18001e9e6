"""GlobalAveragePooling1D/2D/3D: the mean over all spatial axes (aliases GlobalAvgPool*)."""
import tapeflow as tf

from .base_global_pooling import GlobalPooling

__all__ = ["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"]


class GlobalAveragePooling1D(GlobalPooling):
    """Mean over the steps of (batch, steps, features) inputs (with a mask: unmasked only).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalAveragePooling1D()(tf.constant([[[1.], [3.]]])).numpy()
    array([[2.]], dtype=float32)
    """

    reduce_function = staticmethod(tf.reduce_mean)
    rank = 1

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = 2 if self.data_format == "channels_first" else 1
        weights = tf.cast(mask, inputs.dtype)
        weights = tf.expand_dims(weights, 1 if steps == 2 else 2)
        total = tf.reduce_sum(inputs * weights, axis=steps, keepdims=self.keepdims)
        return total / tf.reduce_sum(weights, axis=steps, keepdims=self.keepdims)


class GlobalAveragePooling2D(GlobalPooling):
    """Mean over rows and cols: (batch, rows, cols, channels) -> (batch, channels).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalAveragePooling2D(keepdims=True)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 1, 1, 3])
    """

    reduce_function = staticmethod(tf.reduce_mean)
    rank = 2


class GlobalAveragePooling3D(GlobalPooling):
    """Mean over the three spatial axes of 5-D inputs.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.GlobalAveragePooling3D()(tf.ones((2, 2, 3, 4, 5))).shape
    TensorShape([2, 5])
    """

    reduce_function = staticmethod(tf.reduce_mean)
    rank = 3


GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
