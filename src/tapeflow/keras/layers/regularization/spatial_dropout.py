"""SpatialDropout1D/2D/3D: Dropout of whole feature maps (channels), not single entries."""
import tapeflow as tf

from ... import backend
from ..input_spec import InputSpec
from .dropout import Dropout

__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]


class _SpatialDropout(Dropout):
    rank = 1

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = data_format or backend.image_data_format()
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _noise_shape(self, inputs):
        s = tf.shape(inputs)
        ones = [1] * self.rank
        if self.data_format == "channels_first" and self.rank > 1:
            return [s[0], s[1]] + ones
        return [s[0]] + ones + [s[self.rank + 1]]

    def get_config(self):
        config = super().get_config()
        config.pop("noise_shape", None)
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops entire channels of (batch, steps, channels) inputs."""

    rank = 1

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops entire channels of (batch, rows, cols, channels) inputs."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops entire channels of 5-D inputs."""

    rank = 3
