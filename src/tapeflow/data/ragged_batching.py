"""`Dataset.ragged_batch` and `tf.data.experimental.dense_to_ragged_batch`.

Elements whose components differ in length are batched into RaggedTensors:
scalars, and components of in-memory sources with a fully known shape, are
stacked densely; any other component of rank >= 1 becomes a RaggedTensor of its rows.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.range(4).map(lambda n: tf.range(n))
>>> [b.to_list() for b in ds.ragged_batch(2)]
[[[], [0]], [[0, 1], [0, 1, 2]]]
"""
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.tensor import Tensor
from . import structure
from .pipeline import Node
from .transforms import MapDataset
from ..ragged import RaggedTensor, RaggedTensorSpec
from ..ragged.array_ops import stack
from ..framework.errors import invalid_argument

__all__ = ["RaggedBatchDataset", "dense_to_ragged_batch"]


def _rows_to_ragged(rows, splits_dtype):
    """A RaggedTensor whose rows are `rows` (NumPy arrays, Tensors or RaggedTensors)."""
    if any(isinstance(r, RaggedTensor) for r in rows):
        return stack(list(rows), axis=0).with_row_splits_dtype(splits_dtype)
    arrays = [np.asarray(r) for r in rows]
    inner = {a.shape[1:] for a in arrays}
    if len(inner) > 1:
        raise ValueError(f"ragged_batch: rows must agree in their inner dimensions; "
                         f"Received shapes {[a.shape for a in arrays]}")
    lengths = np.array([a.shape[0] for a in arrays], dtypes.as_dtype(splits_dtype)._np)
    values = np.concatenate(arrays, 0) if arrays else np.zeros((0,))
    return _ragged(values, np.concatenate([[0], np.cumsum(lengths)]).astype(lengths.dtype))


def _ragged(values, splits):
    vals = Tensor(values) if values.dtype == object else Tensor(jnp.asarray(values))
    return RaggedTensor(vals, Tensor(splits), internal=True)


class RaggedBatchDataset(Node):
    """Batches of `batch_size` elements; variable-shaped components become ragged."""

    def __init__(self, input_dataset, batch_size, drop_remainder, row_splits_dtype):
        self._input = input_dataset
        self._size = int(batch_size)
        if self._size <= 0:
            raise invalid_argument(f"Batch size must be greater than zero, got {self._size}.",
                                   "RaggedBatch")
        self._drop = bool(drop_remainder)
        self._splits_dtype = dtypes.as_dtype(row_splits_dtype)

    def _inputs(self):
        return [self._input]

    def _card(self):
        n = self._input._card()
        if n < 0:
            return n
        return n // self._size if self._drop else -(-n // self._size)

    def _dense_components(self):
        """Which components batch densely: scalars, and fixed shapes of in-memory sources
        (elsewhere a shape seen on one element does not bind the others)."""
        spec = structure.flat(self._input.element_spec)
        exact = getattr(self._input, "_index_plan", lambda: None)() is not None
        return [getattr(s, "shape", None) is not None and s.shape.rank is not None
                and not hasattr(s, "ragged_rank")
                and (s.shape.rank == 0 or (exact and s.shape.is_fully_defined()))
                for s in spec]

    def _compute_spec(self):
        size = self._size if self._drop else None
        dense = self._dense_components()
        spec = self._input.element_spec
        flat = structure.flat(spec)
        out = []
        for s, d in zip(flat, dense):
            if d:
                out.append(structure.TensorSpec([size] + s.shape.as_list(), s.dtype))
            else:
                rank = s.shape.rank or 1
                inner = s.shape.as_list()[1:] if s.shape.rank else []
                rr = getattr(s, "ragged_rank", 0) + 1
                out.append(RaggedTensorSpec([size, None] + inner, s.dtype, min(rr, rank),
                                            self._splits_dtype))
        return structure.pack(spec, out)

    def _elements(self):
        dense = self._dense_components()
        if type(self._input) is MapDataset and self._input._vectorize():
            # map(fn).ragged_batch: fn on whole blocks; its equal-shaped rows become ragged
            stack = lambda rows: self._stack(rows, dense)  # noqa: E731
            for b in self._input._batched(self._size, self._drop, stack):
                yield self._ragged_from_dense(b, dense)
            return
        batch = []
        for elem in self._input._elements():
            batch.append(elem)
            if len(batch) == self._size:
                yield self._stack(batch, dense)
                batch = []
        if batch and not self._drop:
            yield self._stack(batch, dense)

    def _ragged_from_dense(self, batch, dense):
        """A vectorized block's components, the non-dense ones as RaggedTensors of its rows
        (components the element path already made ragged are kept)."""
        flat = structure.flat(batch)
        out = []
        for a, is_dense in zip(flat, dense):
            if is_dense or not isinstance(a, np.ndarray):
                out.append(a)
                continue
            if a.ndim < 2:
                raise ValueError(f"ragged_batch: a component of rank {a.ndim - 1} cannot be "
                                 "a ragged row")
            n, length = a.shape[:2]
            splits = (np.arange(n + 1) * length).astype(self._splits_dtype._np)
            out.append(_ragged(a.reshape((n * length,) + a.shape[2:]), splits))
        return structure.pack(batch, out)

    def _stack(self, batch, dense):
        flats = [structure.flat(e) for e in batch]
        out = []
        for c, is_dense in enumerate(dense):
            parts = [f[c] for f in flats]
            if is_dense:
                out.append(np.stack([np.asarray(p) for p in parts]))
            else:
                out.append(_rows_to_ragged(parts, self._splits_dtype))
        return structure.pack(batch[0], out)
