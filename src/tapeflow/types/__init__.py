"""`tf.types`: public type definitions (`tf.types.experimental.TraceType`).

>>> import tapeflow as tf
>>> issubclass(tf.types.experimental.TraceType, object)
True
"""
from . import experimental

__all__ = ["experimental"]
