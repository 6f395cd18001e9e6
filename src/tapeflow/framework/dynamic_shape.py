"""`DynamicShapeError`: raised while tracing by an op or layer whose output shape is
drawn when it runs (keras RandomHeight/RandomWidth), which an XLA program cannot hold.

It is a `ValueError`, so a plain `tf.function` reports it as such; callers that can run
the same Python eagerly instead catch it: `Dataset.map` given a `tf.function` reruns the
function's Python per element (data/transforms.py), and Keras `fit` runs the train step
eagerly for models holding such layers (keras/trainers/trainer.py).

>>> from tapeflow.framework.dynamic_shape import DynamicShapeError
>>> issubclass(DynamicShapeError, ValueError)
True
"""

__all__ = ["DynamicShapeError"]


class DynamicShapeError(ValueError):
    """An output shape that is only known when the code runs was asked for in a trace."""
