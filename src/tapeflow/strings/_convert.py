"""Plumbing shared by the tf.strings ops: inputs as object arrays of bytes, outputs as Tensors.

String tensors hold NumPy object arrays of `bytes` (UTF-8 for `str` input), as TF
holds byte strings. Element-wise work runs through `np.frompyfunc` (one C loop over
the array); ops that split or join return `tf.RaggedTensor` built from row splits.
"""
import numpy as np

from ..framework import errors
from ..framework.tensor import Tensor, convert_to_tensor
from ..ragged.ragged_tensor import RaggedTensor


def is_ragged(x):
    return type(x).__name__ == "RaggedTensor" and hasattr(x, "row_splits")


def to_bytes_array(x, op):
    """Tensor / list / str / NumPy -> object ndarray of bytes; raises TypeError otherwise."""
    if isinstance(x, Tensor):
        a = x._value
        if not isinstance(a, np.ndarray) or a.dtype != object:
            raise TypeError(f"{op}: expected a string tensor, but received a tensor of "
                            f"dtype {x.dtype.name}.")
        return a
    if isinstance(x, np.ndarray) and x.dtype.kind in "SU":
        x = x.astype(object)
    try:
        t = convert_to_tensor(x)
    except ValueError:  # e.g. a list mixing str and bytes, which TF accepts
        t = convert_to_tensor(np.array(x, dtype=object))
    if t.dtype.name != "string":
        raise TypeError(f"{op}: expected a string tensor, but received a tensor of dtype "
                        f"{t.dtype.name}.")
    return t._value


def string_tensor(arr):
    """Object ndarray of bytes -> Tensor (scalars stay 0-d object arrays)."""
    arr = np.asarray(arr, dtype=object)
    return Tensor(arr)


def elementwise(fn, x, op, out=None):
    """Applies `fn(bytes) -> value` to every string of `x` (dense or ragged)."""
    if is_ragged(x):
        return x.with_flat_values(elementwise(fn, x.flat_values, op, out))
    a = to_bytes_array(x, op)
    res = np.frompyfunc(fn, 1, 1)(a) if a.size else np.empty(a.shape, object)
    if out is None:
        return string_tensor(np.asarray(res, dtype=object))
    return convert_to_tensor(np.asarray(res, dtype=out))


def ragged_from_rows(values, row_splits):
    """RaggedTensor from flat `values` (Tensor or array) and int64 `row_splits`."""
    if not isinstance(values, Tensor) and not is_ragged(values):
        values = string_tensor(values) if np.asarray(values).dtype == object else \
            convert_to_tensor(values)
    return RaggedTensor.from_row_splits(values, np.asarray(row_splits, np.int64),
                                        validate=False)


def split_rows(x, fn, op, out_dtype=object):
    """`fn(bytes) -> list` per string; rank-k input -> rank-(k+1) ragged (scalar -> 1-D)."""
    if is_ragged(x):
        return x.with_flat_values(split_rows(x.flat_values, fn, op, out_dtype))
    a = to_bytes_array(x, op)
    pieces = [fn(s) for s in a.reshape(-1)]
    lengths = np.fromiter((len(p) for p in pieces), np.int64, len(pieces))
    flat = np.empty(int(lengths.sum()), dtype=out_dtype)
    if flat.size:
        flat[:] = [v for p in pieces for v in p]
    if a.ndim == 0:
        return string_tensor(flat) if out_dtype is object else convert_to_tensor(flat)
    splits = np.concatenate([[0], np.cumsum(lengths)])
    rt = ragged_from_rows(flat, splits)
    if a.ndim > 1:  # outer dimensions stay uniform
        for dim in reversed(a.shape[1:]):
            rt = RaggedTensor.from_uniform_row_length(rt, dim)
    return rt


def invalid(msg):
    return errors.invalid_argument(msg)
