"""`tnp.experimental_enable_numpy_behavior`: NumPy promotion in tf ops and ndarray methods.

Once enabled, binary tf ops (`tf.add`, `x * y`, ...) promote mixed dtypes by
NumPy's rules instead of raising, and Tensors gain NumPy's array methods
(`.T`, `.reshape(2, 3)`, `.astype`, `.ravel()`, `.tolist()`, ...).

>>> import tapeflow as tf
>>> tf.experimental.numpy.experimental_enable_numpy_behavior()  # doctest: +SKIP
>>> (tf.constant(1) + tf.constant(2.0)).dtype  # doctest: +SKIP
tf.float64
"""
import numpy as np

from ..framework import dtypes
from ..framework.tensor import Tensor
from ..ops import array_ops, dispatch, math_ops
from .promotion import STATE, result_type
from ..ops.math_ops import cast
from .. import ops as _ops  # noqa: F401 - make sure op modules are loaded

__all__ = ["experimental_enable_numpy_behavior", "promote_pair"]

_MODES = ("legacy", "all", "safe", "off")


def _dtype_of(v):
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        return np.dtype(dispatch.unary(v)._value.dtype)
    if isinstance(v, (np.ndarray, np.generic)):
        return v.dtype
    if hasattr(v, "dtype") and hasattr(v, "shape"):
        return np.dtype(v.dtype)
    return v if isinstance(v, (bool, int, float, complex)) else None


def promote_pair(x, y):
    """Both operands as Tensors of NumPy's result dtype (the binary-op hook)."""
    dx, dy = _dtype_of(x), _dtype_of(y)
    if dx is None or dy is None or isinstance(dx, np.dtype) and dx.kind in "OSU" or \
            isinstance(dy, np.dtype) and dy.kind in "OSU":
        return x, y
    if isinstance(dx, np.dtype) and isinstance(dy, np.dtype) and dx == dy:
        return x, y
    out = dtypes.as_dtype(result_type(dx, dy))
    return _cast(x, out), _cast(y, out)


def _cast(v, dtype):
    t = dispatch.to_tensor(v, dtype_hint=dtype) if not isinstance(v, Tensor) else v
    return t if t.dtype == dtype else cast(t, dtype)


def _install_methods():

    def reshape(self, *shape, order="C"):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (list, tuple)) else shape
        return array_ops.reshape(self, list(shape))

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (list, tuple)) else axes
        return array_ops.transpose(self, list(axes) if axes else None)

    methods = {
        "T": property(lambda self: array_ops.transpose(self)),
        "reshape": reshape, "transpose": transpose,
        "ravel": lambda self: array_ops.reshape(self, [-1]),
        "flatten": lambda self: array_ops.reshape(self, [-1]),
        "astype": lambda self, dtype: math_ops.cast(self, dtype),
        "tolist": lambda self: self.numpy().tolist(),
        "size": property(lambda self: int(np.prod(self.shape.as_list()))),
        "clip": lambda self, a_min=None, a_max=None: math_ops.clip_by_value(
            self, a_min if a_min is not None else self.dtype.min,
            a_max if a_max is not None else self.dtype.max),
        "sum": lambda self, axis=None, keepdims=False: math_ops.reduce_sum(
            self, axis, keepdims),
        "mean": lambda self, axis=None, keepdims=False: math_ops.reduce_mean(
            self, axis, keepdims),
        "max": lambda self, axis=None, keepdims=False: math_ops.reduce_max(
            self, axis, keepdims),
        "min": lambda self, axis=None, keepdims=False: math_ops.reduce_min(
            self, axis, keepdims),
        "prod": lambda self, axis=None, keepdims=False: math_ops.reduce_prod(
            self, axis, keepdims),
    }
    for name, fn in methods.items():
        if not hasattr(Tensor, name) or name in _INSTALLED:
            setattr(Tensor, name, fn)
            _INSTALLED.add(name)


_INSTALLED = set()


def _disable():
    """Back to tapeflow's default (no promotion, no ndarray methods); used by tests."""
    STATE.enabled, STATE.prefer_float32, STATE.mode = False, False, "legacy"
    dispatch.NUMPY_PROMOTION[0] = None
    for name in _INSTALLED:
        delattr(Tensor, name)
    _INSTALLED.clear()


def experimental_enable_numpy_behavior(prefer_float32=False, dtype_conversion_mode="legacy"):
    """Turns on NumPy type promotion for tf ops and NumPy methods on Tensors.

    `prefer_float32` makes Python floats default to float32 (not float64);
    `dtype_conversion_mode` is "legacy" (NumPy 1.x rules), "all", "safe" or "off".
    """
    if dtype_conversion_mode not in _MODES:
        raise ValueError(f"dtype_conversion_mode must be one of {_MODES}; Received: "
                         f"{dtype_conversion_mode!r}")
    STATE.prefer_float32 = bool(prefer_float32)
    STATE.mode = dtype_conversion_mode
    STATE.enabled = dtype_conversion_mode != "off"
    dispatch.NUMPY_PROMOTION[0] = promote_pair if STATE.enabled else None
    if STATE.enabled:
        _install_methods()
