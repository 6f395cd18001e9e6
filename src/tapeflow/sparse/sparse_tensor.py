"""`tf.SparseTensor`: a tensor stored as (indices, values, dense_shape).

`indices` is an int64 `[N, rank]` matrix, `values` the N values (gradients flow
to them), `dense_shape` an int64 vector. `to_dense` scatters the values with
tapeflow ops, so tapes see it.

>>> import tapeflow as tf
>>> st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
>>> tf.sparse.to_dense(st).numpy().tolist()
[[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.composite import static_or_tensor, to_tensor
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..ops.gather_ops import gather
from . import sparse_spec  # module import: sparse_spec imports this module too

__all__ = ["SparseTensor", "is_concrete", "dense_shape_list", "host_indices"]


def is_concrete(t):
    return not isinstance(t._value, jax.core.Tracer)


def host_indices(sp):
    """The indices of SparseTensor `sp` as an int64 NumPy array (they must be known)."""
    if not is_concrete(sp.indices):
        raise TypeError("SparseTensor indices are symbolic here; sparse ops need them known")
    return np.asarray(sp.indices._value).astype(np.int64).reshape(-1, sp.indices.shape[1])


class SparseTensor:
    """A sparse tensor (`tf.sparse.SparseTensor`).

    >>> SparseTensor([[1]], [5.0], [3]).shape
    TensorShape([3])
    """

    __slots__ = ("_indices", "_values", "_dense_shape", "__weakref__")

    def __init__(self, indices, values, dense_shape):
        self._indices = convert_to_tensor(indices, dtype=dtypes.int64) if not (
            isinstance(indices, Tensor) and indices.dtype == dtypes.int64) else indices
        self._values = convert_to_tensor(values)
        self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64) if not (
            isinstance(dense_shape, Tensor) and dense_shape.dtype == dtypes.int64) \
            else dense_shape
        self._check()

    @classmethod
    def _trusted(cls, indices, values, dense_shape):
        st = object.__new__(cls)
        st._indices, st._values, st._dense_shape = indices, values, dense_shape
        return st

    def _check(self):
        i, v, s = self._indices, self._values, self._dense_shape
        if i.ndim != 2:
            raise ValueError(f"SparseTensor: indices must be a matrix [N, rank]; Received: "
                             f"indices with shape {i.shape}")
        if v.ndim != 1:
            raise ValueError(f"SparseTensor: values must be a vector; Received: values with "
                             f"shape {v.shape}")
        if s.ndim != 1:
            raise ValueError(f"SparseTensor: dense_shape must be a vector; Received: "
                             f"dense_shape with shape {s.shape}")
        if i.shape[0] != v.shape[0] or i.shape[1] != s.shape[0]:
            raise ValueError(f"SparseTensor: indices shape {i.shape} must be [N, rank] with "
                             f"N = len(values) = {v.shape[0]} and rank = len(dense_shape) = "
                             f"{s.shape[0]}")
        if is_concrete(i) and is_concrete(s) and i.shape[0]:
            idx, shp = np.asarray(i._value), np.asarray(s._value)
            bad = np.any((idx < 0) | (idx >= shp[None, :]), axis=1)
            if bad.any():
                k = int(np.argmax(bad))
                raise invalid_argument(
                    f"indices[{k}] = {idx[k].tolist()} is out of bounds: need 0 <= index < "
                    f"{shp.tolist()} (dense_shape)", "SparseTensor")

    @classmethod
    def from_value(cls, value):
        if isinstance(value, SparseTensor):
            return value
        raise TypeError(f"Expected a SparseTensor; Received: {type(value).__name__}")

    @property
    def indices(self):
        return self._indices

    @property
    def values(self):
        return self._values

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        """Static dense shape (None where dense_shape is symbolic)."""
        s = self._dense_shape
        if is_concrete(s):
            return TensorShape([int(d) for d in np.asarray(s._value)])
        return TensorShape([None] * s.shape[0])

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self._dense_shape.shape[0]

    def with_values(self, new_values):
        """The same indices and shape with new values (same length)."""
        new_values = convert_to_tensor(new_values)
        if new_values.shape[0] != self._values.shape[0]:
            raise ValueError(f"with_values: expected {self._values.shape[0]} values; "
                             f"Received: shape {new_values.shape}")
        return SparseTensor._trusted(self._indices, new_values, self._dense_shape)

    def eval(self, *args, **kwargs):
        raise NotImplementedError("SparseTensor.eval is a TF1 API; use tf.sparse.to_dense.")

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={self._dense_shape!r})")

    def __str__(self):
        return (f"SparseTensor(indices={self._indices}, values={self._values}, "
                f"dense_shape={self._dense_shape})")

    def __bool__(self):
        raise TypeError("SparseTensor may not be used as a boolean.")

    def __hash__(self):
        raise TypeError("SparseTensor is unhashable.")

    @property
    def _type_spec(self):
        return sparse_spec.SparseTensorSpec.from_value(self)

    def _to_components(self):
        return (self._indices, self._values, self._dense_shape)

    def __getitem__(self, rows):
        """Rows along the first dimension (an int, or an index array for a batch of rows);
        used by tf.data to slice and batch SparseTensors."""
        shape = dense_shape_list(self, "SparseTensor rows")
        idx = host_indices(self)
        if isinstance(rows, (int, np.integer)) or (isinstance(rows, Tensor) and rows.ndim == 0):
            pos = np.nonzero(idx[:, 0] == int(rows) % shape[0])[0]
            return self._rows(idx[pos, 1:], pos, shape[1:])
        rows = np.asarray(rows.numpy() if isinstance(rows, Tensor) else rows).reshape(-1)
        rows = rows % max(shape[0], 1)
        parts = [(k, np.nonzero(idx[:, 0] == r)[0]) for k, r in enumerate(rows.tolist())]
        pos = np.concatenate([p for _, p in parts]) if parts else np.zeros(0, np.int64)
        new_idx = idx[pos].copy()
        new_idx[:, 0] = np.concatenate([np.full(len(p), k) for k, p in parts]) if parts else 0
        return self._rows(new_idx, pos, [len(rows)] + shape[1:])

    def _rows(self, indices, positions, shape):
        """A SparseTensor of `indices` and the values at `positions`, of `shape`."""
        values = gather(self.values, Tensor(jnp.asarray(np.asarray(positions, np.int64))))
        return type(self)._trusted(
            Tensor(jnp.asarray(np.asarray(indices, np.int64).reshape(-1, len(shape)))), values,
            Tensor(jnp.asarray(np.asarray(shape, np.int64))))

    def __iter__(self):
        return (self[i] for i in range(self.shape[0]))

    def _function_components(self):
        """Components for tf.function: indices and dense_shape static, values traced."""
        return (static_or_tensor(self._indices), self._values,
                static_or_tensor(self._dense_shape))

    def _with_components(self, components):
        return SparseTensor._trusted(*(to_tensor(c) for c in components))

    def consumers(self):
        return []


def _flatten(st):
    return (st._indices, st._values, st._dense_shape), None


def _unflatten(aux, children):
    return SparseTensor._trusted(*children)


jax.tree_util.register_pytree_node(SparseTensor, _flatten, _unflatten)


def dense_shape_list(st, what):
    s = st.dense_shape
    if not is_concrete(s):
        raise TypeError(f"{what} needs a known dense_shape inside this tf.function.")
    return [int(d) for d in np.asarray(s._value)]
