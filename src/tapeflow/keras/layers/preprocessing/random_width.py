"""RandomWidth: in training, resizes the batch to a random width
(width * (1 + U(factor)), truncated as TF does); the height is kept.

The width is drawn per call, so it runs where RandomHeight runs (eagerly; per element in
`Dataset.map`; eager train steps in `fit`; eager fallback in `tf.function`) — see
random_height.py.

>>> import tapeflow as tf
>>> RandomWidth(0.5, seed=1)(tf.ones([1, 4, 4, 1])).shape[1]
4
"""
from .image_layer import RandomResizeLayer

__all__ = ["RandomWidth"]


class RandomWidth(RandomResizeLayer):
    """Random width changes during training; identity at inference."""

    _axis = 1
