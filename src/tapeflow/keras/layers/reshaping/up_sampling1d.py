"""UpSampling1D: repeats each step of (batch, steps, features) inputs `size` times."""
from .base_up_sampling import UpSampling

__all__ = ["UpSampling1D"]


class UpSampling1D(UpSampling):
    """(batch, steps, features) -> (batch, steps * size, features).

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.UpSampling1D(3)(tf.ones((2, 4, 5))).shape
    TensorShape([2, 12, 5])
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        kwargs.pop("data_format", None)
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config["size"] = self.size[0]
        return config
