"""Elements inside the pipeline: nested tuples/dicts of NumPy arrays.

The pipeline works on NumPy (host memory, like TF's CPU tensors); user
functions and iteration see tapeflow Tensors wrapping those arrays.

>>> normalize(([1, 2], {"a": 1.5}))
(array([1, 2], dtype=int32), {'a': array(1.5, dtype=float32)})
"""
import collections.abc

import numpy as np

from .. import nest
from ..framework import dtypes
from ..framework.tensor import Tensor, _infer_np, convert_to_tensor

from ..function.tensor_spec import TensorSpec

__all__ = ["normalize", "to_tensors", "from_output", "spec_of", "call", "flat", "pack",
           "TensorSpec", "to_numpy_leaf", "is_structure"]


def is_structure(x):
    """Tuples (incl. namedtuples) and mappings are structures; lists are tensors (as TF)."""
    return isinstance(x, (tuple, collections.abc.Mapping))


def to_numpy_leaf(v, dtype=None):
    """One leaf -> NumPy array with TF's default dtypes (float32, int32, object for bytes)."""
    if hasattr(v, "_with_components"):  # RaggedTensor / SparseTensor leaves stay whole
        return v
    if isinstance(v, np.ndarray) and dtype is None:
        return _to_bytes(v) if v.dtype.kind in "SUO" else v
    if not isinstance(v, Tensor) and hasattr(v, "_as_tensor"):
        v = convert_to_tensor(v)
    if isinstance(v, Tensor):
        a = np.asarray(v._value)
    else:
        if isinstance(v, (list, tuple)) and any(isinstance(e, Tensor) or hasattr(e, "_as_tensor")
                                                for e in v):
            v = convert_to_tensor(v)
            a = np.asarray(v._value)
        else:
            a = _infer_np(v, None)
    a = np.asarray(a)
    if a.dtype.kind in "SUO":
        a = _to_bytes(a)
    if dtype is not None:
        d = dtypes.as_dtype(dtype)
        if d._np is not None and a.dtype != d._np:
            a = a.astype(d._np)
    return a


def _to_bytes(a):
    """Object array whose str items are UTF-8 bytes (TF strings are bytes)."""
    items = a.reshape(-1).tolist()
    if a.dtype == object and set(map(type, items)) <= {bytes}:
        return a  # already TF strings (parsed records, batches of records)
    flat = [v.encode() if isinstance(v, str) else v for v in items]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(a.shape)


def leaves(x):
    """Leaves of a user structure where only tuples and mappings nest (lists are leaves)."""
    got = []
    _map(got.append, x)
    return got


def _map(fn, x):
    t = type(x)
    if t is np.ndarray:
        return fn(x)
    if t is tuple:
        return tuple([_map(fn, v) for v in x])
    if isinstance(x, collections.abc.Mapping):
        return type(x)((k, _map(fn, v)) for k, v in x.items()) if not isinstance(
            x, collections.defaultdict) else {k: _map(fn, v) for k, v in x.items()}
    if isinstance(x, tuple):
        vals = [_map(fn, v) for v in x]
        return type(x)(*vals) if hasattr(x, "_fields") else tuple(vals)
    return fn(x)


def packer(template):
    """A fast `leaves -> structure` function for a fixed template."""
    if type(template) is np.ndarray:
        return lambda leaves: leaves[0]
    if type(template) is tuple and all(type(v) is np.ndarray for v in template):
        return tuple
    return lambda leaves: pack(template, leaves)


def normalize(value):
    """User value (tensors, arrays, Python data in tuples/dicts) -> NumPy structure."""
    return _map(to_numpy_leaf, value)


def from_output(ret):
    """A user function's result -> NumPy structure (a returned list becomes a tuple)."""
    if isinstance(ret, list):
        ret = tuple(ret)
    return normalize(ret)


def _tensor(a):
    if hasattr(a, "_with_components"):  # RaggedTensor / SparseTensor
        return a
    if type(a) is np.ndarray:
        return Tensor._from_host(a)
    if hasattr(a, "_elements"):  # a nested Dataset (window)
        return a
    if isinstance(a, bytes):  # a scalar string picked out of an object array
        b = np.empty((), dtype=object)
        b[()] = a
        return Tensor._from_host(b)
    return Tensor._from_host(np.asarray(a))


def to_tensors(elem):
    """NumPy structure -> structure of tapeflow Tensors (no copy)."""
    return _map(_tensor, elem)


def call(fn, elem):
    """Calls `fn` on an element as TF does: tuples are unpacked into arguments."""
    args = to_tensors(elem)
    if type(args) is tuple:
        return fn(*args)
    return fn(args)


def flat(elem):
    return nest.flatten(elem)


def pack(template, leaves):
    return nest.pack_sequence_as(template, leaves)


def composite_spec(value, batched):
    """The spec of a composite leaf (of one of its rows if `batched`)."""
    spec = value._type_spec
    if not batched:
        return spec
    if getattr(value, "ragged_rank", 0) > 1:
        return type(spec)(spec.shape[1:], spec.dtype, spec.ragged_rank - 1,
                          spec.row_splits_dtype)
    if hasattr(value, "ragged_rank"):
        return TensorSpec(spec.shape[1:], spec.dtype)
    return type(spec)(spec.shape[1:], spec.dtype)


def most_specific(a, b):
    """The spec keeping only the dims on which `a` and `b` agree."""
    ra, rb = a.shape.rank, b.shape.rank
    if ra is None or rb is None or ra != rb:
        return TensorSpec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape.as_list(),
                                                           b.shape.as_list())], a.dtype)


def spec_of(elem, batched=False):
    """TensorSpec structure describing `elem` (dropping the leading dim if `batched`)."""
    def one(a):
        if hasattr(a, "_with_components"):  # composite: its spec, or its rows' spec
            return composite_spec(a, batched)
        shape = a.shape[1:] if batched else a.shape
        return TensorSpec(shape, dtypes.string if a.dtype == object else dtypes.as_dtype(a.dtype))
    return _map(one, elem)
