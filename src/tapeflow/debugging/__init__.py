"""`tf.debugging`: assertions and numeric checks (see assertions.py).

>>> import tapeflow as tf
>>> tf.debugging.assert_equal(tf.constant(1), 1)
"""
from .assertions import *  # noqa: F401,F403
from .assertions import __all__ as _names

__all__ = list(_names)


def set_log_device_placement(enabled):
    """Accepted for compatibility (placement is logged by XLA's own flags)."""


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Accepted for compatibility; use tf.debugging.check_numerics on chosen tensors."""


def disable_check_numerics():
    """Accepted for compatibility."""
