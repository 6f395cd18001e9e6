"""`tensor[...]` (NumPy basic slicing) and `tf.strided_slice`.

Keys may hold ints, slices, Ellipsis, None (tf.newaxis) and scalar integer
tensors (dynamic indices inside compiled functions). The gradient of a slice
scatters into zeros; that scatter is itself an op whose gradient is the slice,
so outer tapes see both.

>>> import tapeflow as tf
>>> tf.constant([[1, 2, 3], [4, 5, 6]])[:, ::2].numpy().tolist()
[[1, 3], [4, 6]]
"""
import builtins

import jax.numpy as jnp
import numpy as np

from ..framework.gradient_registry import RegisterGradient
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor
from .dispatch import out, unary

__all__ = ["getitem", "strided_slice", "slice"]


def _norm_key(x, key):
    if not isinstance(key, tuple):
        key = (key,)
    res = []
    dim = 0
    nd = x.ndim
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    for k in key:
        if k is Ellipsis:
            res.append(Ellipsis)
            dim += nd - n_real
            continue
        if k is None:
            res.append(None)
            continue
        if isinstance(k, builtins.slice):
            sl = builtins.slice(*(_scalar(v) for v in (k.start, k.stop, k.step)))
            if isinstance(sl.step, (int, np.integer)) and sl.step == 0:
                raise invalid_argument(f"strides[{dim}] must be non-zero", "StridedSlice")
            res.append(sl)
            dim += 1
            continue
        if isinstance(k, (bool, np.bool_)):
            raise TypeError("Boolean scalar indices are not supported; use tf.boolean_mask.")
        v = _scalar(k)
        if isinstance(v, (int, np.integer)):
            if dim >= nd:
                raise invalid_argument(f"Index out of range using input dim {nd}; input has "
                                       f"only {nd} dims", "StridedSlice")
            size = x._value.shape[dim]
            if not -size <= v < size:
                raise invalid_argument(f"slice index {v} of dimension {dim} out of bounds.",
                                       "StridedSlice")
        res.append(v)
        dim += 1
    if dim > nd:
        raise invalid_argument(f"Index out of range using input dim {nd}; input has only "
                               f"{nd} dims", "StridedSlice")
    return tuple(res)


def _scalar(v):
    if v is None or isinstance(v, (int, np.integer)):
        return v
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        t = unary(v)
        if not t.dtype.is_integer or t.ndim != 0:
            raise TypeError(_BAD_INDEX + repr(v))
        val = t._value
        try:
            return int(val)
        except Exception:  # a tracer: dynamic index
            return val
    if isinstance(v, (list, tuple, np.ndarray, str, bytes)) or not hasattr(v, "__index__"):
        raise TypeError(_BAD_INDEX + repr(v))
    return int(v.__index__())


_BAD_INDEX = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
              "scalar tf.int32/tf.int64 tensors are valid indices, got ")


def getitem(tensor, key):
    x = unary(tensor)
    k = _norm_key(x, key)
    return out(x._value[k], "StridedSlice", (x,), {"key": k})


def _scatter_into_zeros(g, key, shape, dtype):
    gt = unary(g)
    z = jnp.zeros(shape, dtype)
    return out(z.at[key].add(gt._value), "StridedSliceGrad", (gt,), {"key": key})


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, g):
    x = op.inputs[0]
    return _scatter_into_zeros(g, op.attrs["key"], x._value.shape, x._value.dtype)


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, g):
    return getitem(g, op.attrs["key"])


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0,
                  ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """TF's strided_slice with its bit masks, mapped to a Python slicing key."""
    x = unary(input_)
    begin, end = list(np.asarray(begin).tolist()), list(np.asarray(end).tolist())
    strides = [1] * len(begin) if strides is None else list(np.asarray(strides).tolist())
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(builtins.slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return getitem(x, tuple(key))


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """`tf.slice`: begin and size per dim; size -1 means 'to the end'."""
    x = unary(input_)
    begin = [int(b) for b in np.asarray(begin).reshape(-1)]
    size = [int(s) for s in np.asarray(size).reshape(-1)]
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise invalid_argument(f"Expected begin and size arguments to be 1-D tensors of size "
                               f"{x.ndim}, but got shapes [{len(begin)}] and [{len(size)}] "
                               "instead.", "Slice")
    key = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return getitem(x, key)

