"""RandomHeight: in training, resizes the batch to a random height
(height * (1 + U(factor)), truncated as TF does); the width is kept.

The height is drawn per call (reproducibly after `tf.random.set_seed` for a seeded
layer), so the output shape is only known when the layer runs, which an XLA program
cannot hold:
- eagerly (and in eager `Dataset.map`) it simply resizes;
- `Dataset.map(tf.function(fn))` catches the layer's `DynamicShapeError` and runs the
  function's Python per element instead, so the elements still come out randomly sized;
- `Model.fit` of a model holding the layer runs its train steps eagerly (one warning);
  `evaluate`/`predict` stay compiled, as the layer passes inputs through there;
- a `tf.function` calling it runs its Python eagerly for that input signature
  (one warning; function/dynamic_fallback.py).

>>> import tapeflow as tf
>>> RandomHeight(0.5, seed=1)(tf.ones([1, 4, 4, 1])).shape[2]
4
"""
from .image_layer import RandomResizeLayer

__all__ = ["RandomHeight"]


class RandomHeight(RandomResizeLayer):
    """Random height changes during training; identity at inference."""

    _axis = 0
