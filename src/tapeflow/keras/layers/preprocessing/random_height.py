"""RandomHeight: in training, resizes the batch to a random height
(height * (1 + U(factor))); the width is kept.

The output height is drawn per call, so the layer runs eagerly (including
eager `Dataset.map`) but not inside compiled functions, whose shapes XLA must
know in advance; there it raises a ValueError saying so.

>>> import tapeflow as tf
>>> RandomHeight(0.5, seed=1)(tf.ones([1, 4, 4, 1])).shape[2]
4
"""
from .image_layer import RandomResizeLayer

__all__ = ["RandomHeight"]


class RandomHeight(RandomResizeLayer):
    """Random height changes during training; identity at inference."""

    _axis = 0
