"""ZeroPadding1D: zeros before/after the steps of (batch, steps, features) inputs."""
from .base_zero_padding import ZeroPadding

__all__ = ["ZeroPadding1D"]


class ZeroPadding1D(ZeroPadding):
    """Pads axis 1 with `padding` zeros: an int or a (before, after) pair.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ZeroPadding1D((1, 2))(tf.ones((1, 3, 2))).shape
    TensorShape([1, 6, 2])
    """

    rank = 1

    def __init__(self, padding=1, **kwargs):
        kwargs.pop("data_format", None)
        super().__init__(padding, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config["padding"] = config["padding"][0]
        return config
