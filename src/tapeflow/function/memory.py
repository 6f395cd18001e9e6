"""Memory policies of compiled calls, kept apart from the tracing logic.

1. `release_freed_memory()`: compiling a program allocates (and frees) tens
   of MiB on many threads; glibc keeps freed blocks in per-thread arenas, so
   without a trim the process's resident size keeps each compile's peak, and
   the next compile's peak lands on top of it. It runs glibc's
   `malloc_trim(0)` after a compile; on other C libraries it does nothing.
2. `donatable_buffers(variables)`: a compiled step that assigns variables
   donates their buffers to XLA (the update happens in place, no second copy
   of the weights). A donated buffer is deleted by the call, so a buffer that
   something else still references (a Tensor read earlier, the NumPy-backed
   array a variable was created from) must not be donated: CPython's
   reference count (`sys.getrefcount`) tells whether anything but the
   variable holds it, and such buffers are copied first (`fresh_copy`). The
   count is a CPython detail: on another interpreter every buffer is copied.

>>> release_freed_memory() in (True, False)
True
"""
import ctypes
import sys

import jax
import jax.numpy as jnp

__all__ = ["release_freed_memory", "donatable_buffers", "fresh_copy"]

_REFCOUNTS = hasattr(sys, "getrefcount")

_TRIM = []  # [] before the first call, then [malloc_trim or None]


def _trim_fn():
    if not _TRIM:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                fn = ctypes.CDLL(None).malloc_trim  # the C library this interpreter uses
                fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):  # musl and other libcs have no malloc_trim
                fn = None
        _TRIM.append(fn)
    return _TRIM[0]


def release_freed_memory():
    """Returns freed heap pages to the OS; True if the C library could do it."""
    fn = _trim_fn()
    if fn is None:
        return False
    fn(0)
    return True


def donatable_buffers(variables):
    """The variables' buffers for donation; a copy where something else still holds one.

    >>> import tapeflow as tf
    >>> v = tf.Variable([1.0])
    >>> t = v.read_value()  # shares v's buffer
    >>> donatable_buffers([v])[0] is t._value
    False
    """
    out = []
    for v in variables:
        v._swap_value(v._value)  # drops the cached read Tensor, which holds the buffer too
        x = v._value
        # held by the attribute, `x` and getrefcount's argument only: nothing else sees it
        if not _REFCOUNTS or sys.getrefcount(x) > 3:
            x = fresh_copy(x)
        out.append(x)
    return out


def fresh_copy(x):
    """A fresh buffer with x's value; device_put copies without compiling a program."""
    try:
        # an array spanning processes must be told its layout; others keep theirs (and stay
        # uncommitted when they were)
        spans = not getattr(x, "is_fully_addressable", True)
        return jax.device_put(x, x.sharding if spans else None, may_alias=False)
    except TypeError:  # jax before may_alias: a compiled copy
        return jnp.array(x, copy=True)
