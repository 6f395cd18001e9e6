"""A tf.function whose trace meets a shape drawn per call runs eagerly from then on.

Keras RandomHeight/RandomWidth pick their output size when they run; TF's graphs hold
such a size as an unknown dimension, an XLA program cannot (its shapes are fixed when it
compiles). When tracing raises `DynamicShapeError`, the Function marks that signature's
entry to run its Python eagerly — same values, op by op — and says so once. Other
signatures of the same Function still compile.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.RandomHeight(0.5, seed=1)
>>> @tf.function
... def augment(x):
...     return layer(x, training=True)
>>> y = augment(tf.ones((1, 8, 4, 1)))
>>> 4 <= y.shape[1] <= 12
True
"""
import logging

__all__ = ["run_eagerly_from_now"]

_log = logging.getLogger("tapeflow")


def run_eagerly_from_now(function, entry, err, args, kwargs):
    """Marks `entry` eager (after `err` from its trace) and runs `function`'s Python."""
    entry.runs_eagerly = True
    entry.jitted = None
    _log.warning("tf.function `%s` runs eagerly for this input signature: %s",
                 function._name, err)
    return function._python_fn(*args, **kwargs)
