"""The converted code's switches, per thread: verbosity and the optional features on now.

>>> STATUS.assert_tensors
False
"""
import os
import threading

__all__ = ["STATUS"]


class _Status(threading.local):
    def __init__(self):
        self.verbosity = int(os.environ.get("AUTOGRAPH_VERBOSITY", "0"))
        self.print_tensors = False  # Feature.BUILTIN_FUNCTIONS: print(tensor) -> tf.print
        self.assert_tensors = False  # Feature.ASSERT_STATEMENTS: assert tensor -> tf.Assert


STATUS = _Status()
