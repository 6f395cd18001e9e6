"""ZeroPadding: zeros added before/after each spatial axis, behind ZeroPadding1D/2D/3D.

`padding` is an int (same on both sides of every axis), `rank` ints (symmetric
per axis) or `rank` (before, after) pairs; it is stored as pairs.

>>> normalize_pairs(1, 2, "padding")
((1, 1), (1, 1))
>>> normalize_pairs(((1, 0), (2, 3)), 2, "padding")
((1, 0), (2, 3))
"""
import tapeflow as tf

from ..convolutional import conv_utils as U
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["ZeroPadding", "normalize_pairs"]


def normalize_pairs(value, rank, name):
    """int | rank ints | rank pairs -> tuple of rank (before, after) non-negative pairs."""
    if isinstance(value, int):
        pairs = ((value, value),) * rank
    elif rank == 1 and len(tuple(value)) == 2 and all(isinstance(v, int) for v in value):
        pairs = (tuple(value),)
    else:
        value = tuple(value)
        if len(value) != rank:
            raise ValueError(f"`{name}` should have {rank} elements. Received: "
                             f"{name}={value}.")
        pairs = tuple((v, v) if isinstance(v, int) else
                      U.normalize_tuple(v, 2, f"{ordinal(i)} entry of {name}",
                                        allow_zero=True)
                      for i, v in enumerate(value))
    pairs = tuple(tuple(int(p) for p in pair) for pair in pairs)
    if any(p < 0 for pair in pairs for p in pair):
        raise ValueError(f"`{name}` should contain non-negative values. Received: "
                         f"{name}={value}.")
    return pairs


def ordinal(i):
    return ("1st", "2nd", "3rd")[i] if i < 3 else f"{i + 1}th"


class ZeroPadding(Layer):
    """Pads the `rank` spatial axes of (batch, *spatial, channels) inputs with zeros."""

    rank = 2

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_pairs(padding, self.rank, "padding")
        self.data_format = U.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _full_pairs(self):
        pairs = [list(p) for p in self.padding]
        if self.data_format == "channels_first":
            return [[0, 0], [0, 0]] + pairs
        return [[0, 0]] + pairs + [[0, 0]]

    def call(self, inputs):
        return tf.pad(inputs, self._full_pairs())

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        return tf.TensorShape([None if d is None else d + lo + hi
                               for d, (lo, hi) in zip(shape, self._full_pairs())])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}
