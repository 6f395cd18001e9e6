"""`Dataset.sparse_batch` (elements of varying shape -> SparseTensor batches) and
`Dataset.rejection_resample` (class-rebalancing by rejection sampling).

>>> import numpy as np
>>> ds = tf.data.Dataset.from_generator(lambda: iter([[1], [2, 3]]),
...     output_signature=structure.TensorSpec([None], "int32")).sparse_batch(2, [3])
>>> st = next(iter(ds))
>>> st.indices.numpy().tolist(), st.values.numpy().tolist(), st.dense_shape.numpy().tolist()
([[0, 0], [1, 0], [1, 1]], [1, 2, 3], [2, 3])
"""
import numpy as np

from ..framework import dtypes, errors
from ..framework.tensor import Tensor
from . import structure
from .pipeline import UNKNOWN
from .shuffle import _resolve_seed
from .transforms import _Unary
from ..sparse import SparseTensor, SparseTensorSpec

__all__ = ["SparseBatchDataset", "RejectionResampleDataset"]


class SparseBatchDataset(_Unary):
    """Batches of `batch_size` dense elements as one SparseTensor of shape
    [batch, *row_shape] holding every entry of every element (-1 dims in `row_shape`:
    the batch's largest)."""

    def __init__(self, input_dataset, batch_size, row_shape):
        super().__init__(input_dataset)
        self._size = int(batch_size)
        if self._size <= 0:
            raise errors.invalid_argument(f"Batch size must be greater than zero, got "
                                          f"{batch_size}.")
        self._row = [int(d) for d in structure.to_numpy_leaf(row_shape, "int64").reshape(-1)]

    def _card(self):
        n = self._input._card()
        return n if n < 0 else -(-n // self._size)

    def _compute_spec(self):
        spec = self._input.element_spec
        return SparseTensorSpec([None] + [None if d < 0 else d for d in self._row], spec.dtype)

    def _sparse(self, rows):
        rank = len(self._row)
        for r in rows:
            if r.ndim != rank:
                raise errors.invalid_argument(
                    f"sparse_batch: each element must have rank {rank} (row_shape "
                    f"{self._row}). Received: an element of shape {list(r.shape)}")
        dims = [max(r.shape[k] for r in rows) if d < 0 else d for k, d in enumerate(self._row)]
        for r in rows:
            if any(s > d for s, d in zip(r.shape, dims)):
                raise errors.invalid_argument(
                    f"sparse_batch: an element of shape {list(r.shape)} is larger than "
                    f"row_shape {self._row}.")
        idx = [np.concatenate([np.full((r.size, 1), b, np.int64),
                               np.argwhere(np.ones(r.shape, bool)).astype(np.int64)], axis=1)
               for b, r in enumerate(rows)]
        values = np.concatenate([r.reshape(-1) for r in rows])
        return SparseTensor(Tensor._from_host(np.concatenate(idx).reshape(-1, rank + 1)),
                            Tensor._from_host(values),
                            Tensor._from_host(np.asarray([len(rows)] + dims, np.int64)))

    def _elements(self):
        rows = []
        for elem in self._input._elements():
            if structure.is_structure(elem):
                raise TypeError("sparse_batch: elements must be single tensors.")
            rows.append(elem)
            if len(rows) == self._size:
                yield self._sparse(rows)
                rows = []
        if rows:
            yield self._sparse(rows)


class RejectionResampleDataset(_Unary):
    """(class, element) pairs whose classes follow `target_dist`: each element of class
    c is kept with probability target[c]/initial[c] scaled so the largest ratio is 1.
    Without `initial_dist`, initial is estimated from the classes seen so far."""

    def __init__(self, input_dataset, class_func, target_dist, initial_dist=None, seed=None):
        super().__init__(input_dataset)
        self._class = class_func
        self._target = self._dist(target_dist, "target_dist")
        self._initial = None if initial_dist is None else self._dist(initial_dist,
                                                                      "initial_dist")
        seed = _resolve_seed(seed)
        self._seed = seed if seed is not None else int(np.random.SeedSequence().entropy % 2**63)

    @staticmethod
    def _dist(d, name):
        d = np.asarray(structure.to_numpy_leaf(d), np.float64).reshape(-1)
        if d.size == 0 or (d < 0).any() or d.sum() <= 0:
            raise errors.invalid_argument(f"`{name}` must be a non-negative probability "
                                          f"vector. Received: {d.tolist()}")
        return d / d.sum()

    def _card(self):
        return UNKNOWN

    def _compute_spec(self):
        return (structure.TensorSpec([], dtypes.int32), self._input.element_spec)

    def _elements(self):
        rng = np.random.default_rng(self._seed)
        k = len(self._target)
        counts = np.zeros(k)
        for elem in self._input._elements():
            c = int(structure.to_numpy_leaf(structure.call(self._class, elem)))
            if not 0 <= c < k:
                raise errors.invalid_argument(f"rejection_resample: class_func returned {c}, "
                                              f"outside [0, {k}).")
            counts[c] += 1
            initial = self._initial if self._initial is not None else counts / counts.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(initial > 0, self._target / initial, 0.0)
            if rng.random() < ratio[c] / ratio.max():
                yield (np.asarray(c, np.int32), elem)
