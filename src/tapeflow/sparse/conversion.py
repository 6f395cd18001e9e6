"""Sparse <-> dense: `tf.sparse.to_dense`, `from_dense`, `to_indicator`.

>>> import tapeflow as tf
>>> st = tf.sparse.from_dense([[0, 3], [4, 0]])
>>> st.indices.numpy().tolist(), st.values.numpy().tolist()
([[0, 1], [1, 0]], [3, 4])
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .sparse_tensor import SparseTensor, dense_shape_list, is_concrete
from ..ops import array_ops, gather_ops, math_ops

__all__ = ["to_dense", "from_dense", "to_indicator"]


def _as_sparse(sp, op):
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"{op}: expected a SparseTensor; Received: {type(sp).__name__}")
    return sp


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """Dense Tensor with `values` at `indices` and `default_value` (0) elsewhere.

    Gradients flow to `sp_input.values`. Repeated indices raise
    InvalidArgumentError when `validate_indices` (TF's rule).
    """
    sp = _as_sparse(sp_input, "tf.sparse.to_dense")
    shape = dense_shape_list(sp, "tf.sparse.to_dense")
    v = sp.values
    if validate_indices and is_concrete(sp.indices) and sp.indices.shape[0] > 1:
        idx = np.asarray(sp.indices._value)
        if len(np.unique(idx, axis=0)) != len(idx):
            raise invalid_argument("indices are repeated in the SparseTensor passed to "
                                   "tf.sparse.to_dense", "SparseToDense")
    if v.dtype == dtypes.string:
        out = np.full(shape, b"" if default_value is None else default_value, object)
        idx = np.asarray(sp.indices._value)
        out[tuple(idx.T)] = np.asarray(v._value)
        return Tensor(out)
    dense = gather_ops.scatter_nd(sp.indices, v, shape)
    if default_value is None or (not isinstance(default_value, Tensor)
                                 and np.all(np.asarray(default_value) == 0)):
        return dense
    default = convert_to_tensor(default_value, dtype=v.dtype)
    idx = sp.indices._value
    mask = Tensor(jnp.zeros(shape, bool).at[tuple(idx[:, k] for k in range(len(shape)))]
                  .set(True))
    return array_ops.where(mask, dense, math_ops.cast(default, v.dtype))


def from_dense(tensor, name=None):
    """SparseTensor of the non-zero entries of `tensor` (row-major order)."""
    t = convert_to_tensor(tensor)
    if not is_concrete(t):
        raise TypeError("tf.sparse.from_dense needs a known tensor value inside a "
                        "tf.function (the number of non-zeros sets the result's shape).")
    a = np.asarray(t._value)
    zero = b"" if t.dtype == dtypes.string else 0
    idx = np.argwhere(a != zero).astype(np.int64).reshape(-1, a.ndim)
    values = gather_ops.gather_nd(t, Tensor(jnp.asarray(idx))) if t.dtype != dtypes.string \
        else Tensor(a[tuple(idx.T)])
    return SparseTensor._trusted(Tensor(jnp.asarray(idx)), values,
                                 Tensor(jnp.asarray(np.asarray(a.shape, np.int64))))


def to_indicator(sp_input, vocab_size, name=None):
    """[..., vocab_size] bool Tensor: True where some value of a row (last dim) is id k.

    >>> import tapeflow as tf
    >>> st = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [0, 3, 1], [3, 2])
    >>> tf.sparse.to_indicator(st, 4).numpy().astype(int).tolist()
    [[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]]
    """
    sp = _as_sparse(sp_input, "tf.sparse.to_indicator")
    shape = dense_shape_list(sp, "tf.sparse.to_indicator")
    if not sp.dtype.is_integer:
        raise TypeError(f"tf.sparse.to_indicator: values must be integers; Received: "
                        f"dtype={sp.dtype.name}")
    idx = sp.indices._value
    ids = sp.values._value.astype(jnp.int64)
    out = jnp.zeros(shape[:-1] + [int(vocab_size)], bool)
    keep = (ids >= 0) & (ids < vocab_size)
    pos = tuple(idx[:, k] for k in range(len(shape) - 1)) + (jnp.where(keep, ids, 0),)
    return Tensor(out.at[pos].max(keep))
