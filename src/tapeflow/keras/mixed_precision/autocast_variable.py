"""Variables of mixed-precision layers: float32 storage, read in the layer's compute dtype.

A layer whose policy computes in float16 (or bfloat16) but stores float32 variables
creates its floating weights as `AutoCastVariable`s and runs `call` inside
`autocast_scope(compute_dtype)`; a read of such a variable inside the scope is cast to
the compute dtype (a recorded op, so gradients reach the float32 variable), and
outside any scope it reads as float32. The optimizer updates the float32 value.

>>> import tapeflow as tf
>>> v = AutoCastVariable(tf.ones((2,)))
>>> with autocast_scope("float16"):
...     (v * 2.0).dtype
tf.float16
>>> v.value().dtype
tf.float32
"""
import contextlib
import threading

import tapeflow as tf

__all__ = ["AutoCastVariable", "autocast_scope", "current_autocast_dtype"]

_STATE = threading.local()


def current_autocast_dtype():
    """The dtype AutoCastVariables are read in right now, or None."""
    return getattr(_STATE, "dtype", None)


@contextlib.contextmanager
def autocast_scope(dtype):
    """Within the block, AutoCastVariables read as `dtype` (None: no casting)."""
    old = current_autocast_dtype()
    _STATE.dtype = None if dtype is None else tf.as_dtype(dtype).name
    try:
        yield
    finally:
        _STATE.dtype = old


class AutoCastVariable(tf.Variable):
    """A floating Variable whose reads follow the active `autocast_scope`."""

    def _as_tensor(self):
        t = super()._as_tensor()
        target = current_autocast_dtype()
        if target is not None and t.dtype.is_floating and t.dtype.name != target:
            return tf.cast(t, target)
        return t

    def __repr__(self):
        return super().__repr__().replace("<tf.Variable", "<AutoCastVariable", 1)
