"""`tf.types.experimental`: the TraceType protocol of tf.function arguments.

A class whose instances are tf.function arguments may define
`__tf_tracing_type__(self, context)` returning a `TraceType`; calls whose
arguments have equal trace types share one trace.

>>> TraceType.__name__
'TraceType'
"""
from ..function.signatures import TraceType

__all__ = ["TraceType"]
