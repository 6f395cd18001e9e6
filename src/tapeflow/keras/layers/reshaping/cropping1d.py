"""Cropping1D: drops steps at the start/end of (batch, steps, features) inputs."""
from .base_cropping import Cropping

__all__ = ["Cropping1D"]


class Cropping1D(Cropping):
    """Removes `cropping` = (start, end) steps (an int crops both ends).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Cropping1D((1, 2))(tf.ones((1, 6, 2))).shape
    TensorShape([1, 3, 2])
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        kwargs.pop("data_format", None)
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config["cropping"] = config["cropping"][0]
        return config
