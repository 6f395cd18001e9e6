"""LocallyConnected1D: 1-D convolution-like layer with unshared weights ('valid' padding)."""
from .base_locally_connected import LocallyConnected

__all__ = ["LocallyConnected1D"]


class LocallyConnected1D(LocallyConnected):
    """(batch, steps, channels) -> (batch, new_steps, filters); one filter per output step.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.LocallyConnected1D(3, 2)(tf.ones((2, 5, 4))).shape
    TensorShape([2, 4, 3])
    """

    rank = 1
