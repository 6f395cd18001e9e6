"""Permute: reorders the non-batch axes; `dims` counts from 1. `Permute((2, 1))`."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Permute"]


class Permute(Layer):
    """`Permute((2, 1))` swaps the two axes after the batch axis."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={self.dims}")

    def call(self, inputs):
        return tf.transpose(inputs, [0] + list(self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
