"""`tf.sparse.cross` / `cross_hashed` (and `tf.ragged.cross`): feature crosses per row.

Row i of the result holds every combination of row i's features from each
input (the last input varying fastest), joined with "_X_"; `cross_hashed`
chains TF's FingerprintCat64 over Fingerprint64 of string features (int64
features are used as they are), starting from `hash_key`, then takes the
modulo of `num_buckets` (of the largest int64 when 0).

>>> import tapeflow as tf
>>> st = tf.sparse.cross([tf.constant([["a", "b"]]), tf.constant([["x"]])])
>>> st.values.numpy().tolist()
[b'a_X_x', b'b_X_x']
"""
import itertools

import jax.numpy as jnp
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor
from .sparse_tensor import SparseTensor
from ..strings.hashing import fingerprint64
from ..ragged.ragged_tensor import RaggedTensor

__all__ = ["cross", "cross_hashed", "cross_ragged"]

_MUL = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1
_SEED = 0xDECAFCAFFE


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1, fp2):
    """TF's FingerprintCat64 of two uint64 fingerprints (Python ints)."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _rows(inp, batch=None):
    """Per-row feature lists of a SparseTensor / RaggedTensor / dense 2-D input."""
    if isinstance(inp, SparseTensor):
        idx = np.asarray(inp.indices.numpy())
        vals = list(np.asarray(inp.values.numpy()))
        n = int(np.asarray(inp.dense_shape.numpy())[0])
        rows = [[] for _ in range(n)]
        for (r, _), v in zip(idx.tolist(), vals):
            rows[r].append(v)
        return rows
    if hasattr(inp, "row_splits"):
        return [list(r) for r in inp.to_list()]
    a = np.asarray(convert_to_tensor(inp).numpy())
    if a.ndim != 2:
        raise ValueError(f"tf.sparse.cross: dense inputs must be 2-D [batch, features]; "
                         f"Received: shape {a.shape}")
    return [list(r) for r in a]


def _as_bytes(v):
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode()
    return str(int(v)).encode()


def _crossed(inputs):
    rows = [_rows(i) for i in inputs]
    n = {len(r) for r in rows}
    if len(n) != 1:
        raise ValueError(f"tf.sparse.cross: inputs must have the same batch size; Received "
                         f"{sorted(n)}")
    return [list(itertools.product(*parts)) for parts in zip(*rows)]


def _hash(combo, num_buckets, hash_key):
    h = hash_key
    for v in combo:
        if isinstance(v, (bytes, str)):
            f = int(fingerprint64(np.array([_as_bytes(v)], dtype=object))[0])
        else:
            f = int(v) & _MASK
        h = fingerprint_cat64(h, f)
    return h % num_buckets if num_buckets > 0 else h % ((1 << 63) - 1)


def _to_sparse(per_row, dtype):
    idx = [[r, k] for r, row in enumerate(per_row) for k in range(len(row))]
    vals = [v for row in per_row for v in row]
    width = max((len(row) for row in per_row), default=0)
    values = Tensor(np.array(vals, dtype=object)) if dtype is object else Tensor(
        jnp.asarray(np.array(vals, dtype=np.int64)))
    return SparseTensor(np.array(idx, np.int64).reshape(-1, 2), values,
                        [len(per_row), width])


def cross(inputs, name=None, separator=None):
    """String crosses of the features of each row (a SparseTensor of strings)."""
    sep = (separator or "_X_").encode()
    per_row = [[sep.join(_as_bytes(v) for v in combo) for combo in row]
               for row in _crossed(inputs)]
    return _to_sparse(per_row, object)


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """Hashed crosses (int64) of the features of each row."""
    key = _SEED if hash_key is None else int(hash_key)
    per_row = [[_hash(combo, int(num_buckets), key) for combo in row]
               for row in _crossed(inputs)]
    return _to_sparse(per_row, np.int64)


def cross_ragged(inputs, hashed=False, num_buckets=0, hash_key=None):
    """`tf.ragged.cross` / `cross_hashed`: the crosses as a RaggedTensor."""
    st = cross_hashed(inputs, num_buckets, hash_key) if hashed else cross(inputs)
    return RaggedTensor.from_sparse(st)
