"""RandomWidth: in training, resizes the batch to a random width
(width * (1 + U(factor))); the height is kept.

Like RandomHeight, it runs eagerly but not inside compiled functions.

>>> import tapeflow as tf
>>> RandomWidth(0.5, seed=1)(tf.ones([1, 4, 4, 1])).shape[1]
4
"""
from .image_layer import RandomResizeLayer

__all__ = ["RandomWidth"]


class RandomWidth(RandomResizeLayer):
    """Random width changes during training; identity at inference."""

    _axis = 1
