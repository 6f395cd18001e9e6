"""Gives the memory XLA's compiler freed back to the operating system.

Compiling a program allocates (and frees) tens of MiB on many threads; glibc
keeps freed blocks in per-thread arenas, so without a trim the process's
resident size keeps each compile's peak, and the next compile's peak lands on
top of it. `release_freed_memory()` runs glibc's `malloc_trim(0)` after a
compile; on other C libraries it does nothing.

>>> release_freed_memory() in (True, False)
True
"""
import ctypes
import sys

__all__ = ["release_freed_memory"]

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
