"""`tf.dtypes`: the DType objects and `as_dtype` (framework/dtypes.py), with the casts.

>>> import tapeflow as tf
>>> tf.dtypes.cast(tf.constant([1.5]), tf.int32).numpy()
array([1], dtype=int32)
"""
from .framework.dtypes import *  # noqa: F401,F403
from .framework.dtypes import __all__ as _dtype_names
from .ops.elementwise_ops import complex  # noqa: F401,A004
from .ops.math_ops import cast, saturate_cast  # noqa: F401

__all__ = _dtype_names + ["cast", "saturate_cast", "complex"]
