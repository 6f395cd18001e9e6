"""UpSampling2D: enlarges images by integer factors (nearest, bilinear, ... interpolation)."""
import tapeflow as tf

from .base_up_sampling import UpSampling

__all__ = ["UpSampling2D"]

_METHODS = ("area", "bicubic", "bilinear", "gaussian", "lanczos3", "lanczos5",
            "mitchellcubic", "nearest")


class UpSampling2D(UpSampling):
    """(batch, rows, cols, channels) -> (batch, rows * size[0], cols * size[1], channels).

    'nearest' repeats pixels; the other methods are `tf.image.resize` (half-pixel
    centres, as TF 2), e.g. 'bilinear' blends the two nearest source pixels.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> x = tf.reshape(tf.constant([0., 4.]), (1, 1, 2, 1))
    >>> keras.layers.UpSampling2D(2, interpolation="bilinear")(x).numpy()[0, 0, :, 0]
    array([0., 1., 3., 4.], dtype=float32)
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)
        if interpolation not in _METHODS:
            raise ValueError(f"`interpolation` argument should be one of: "
                             f"{', '.join(repr(m) for m in _METHODS)}. Received: "
                             f"interpolation={interpolation!r}.")
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        cf = self.data_format == "channels_first"
        x = tf.transpose(inputs, [0, 2, 3, 1]) if cf else inputs
        h, w = x.shape.as_list()[1:3]
        y = tf.image.resize(x, [h * self.size[0], w * self.size[1]],
                            method=self.interpolation)
        y = tf.cast(y, inputs.dtype)
        return tf.transpose(y, [0, 3, 1, 2]) if cf else y

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}
