"""`tf.experimental.DynamicRaggedShape`: the shape of a ragged or dense tensor.

A shape is a list of `RowPartition`s (one per ragged or partitioned dimension,
outermost first) plus `inner_shape`, the dense shape of the flat values. A
dense shape has no row partitions. `tf.shape(rt)` returns one; `tf.ones`,
`tf.zeros`, `tf.fill`, `tf.reshape` and `tf.broadcast_to` accept one
(`ragged/shape_ops.py`).

>>> import tapeflow as tf
>>> tf.shape(tf.ragged.constant([[1, 2], [3]]))
<DynamicRaggedShape lengths=[2, (2, 1)] num_row_partitions=1>
"""
import jax
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from .row_partition import RowPartition, concrete
from .ragged_tensor import RaggedTensor
from ..ops.symbolic_dispatch import CompositeArgument

__all__ = ["DynamicRaggedShape"]


def _int_vector(x, dtype):
    t = convert_to_tensor(x, dtype_hint=dtype or dtypes.int64)
    if dtype is not None and t.dtype != dtypes.as_dtype(dtype):
        t = Tensor(t._value.astype(dtypes.as_dtype(dtype)._np))
    if t.ndim != 1:
        raise ValueError(f"DynamicRaggedShape: inner_shape must be a vector; Received: "
                         f"inner_shape with shape {t.shape}")
    return t


class DynamicRaggedShape:
    """The shape of a RaggedTensor (row partitions + inner shape) or of a dense Tensor.

    >>> import tapeflow as tf
    >>> s = tf.experimental.DynamicRaggedShape.from_lengths([4, (2, 1, 0, 8), 12])
    >>> s.num_row_partitions, s.rank, s.inner_shape.numpy().tolist()
    (1, 3, [11, 12])
    """

    def __init__(self, row_partitions, inner_shape, dtype=None, validate=False,
                 static_inner_shape=None):
        row_partitions = tuple(row_partitions)
        for rp in row_partitions:
            if not isinstance(rp, RowPartition):
                raise TypeError(f"DynamicRaggedShape: row_partitions must be RowPartitions; "
                                f"Received: {type(rp).__name__}")
        if dtype is None:
            dtype = row_partitions[0].dtype if row_partitions else None
        inner = _int_vector(inner_shape, dtype)
        dtype = dtypes.as_dtype(dtype) if dtype is not None else inner.dtype
        self._row_partitions = tuple(rp if rp.dtype == dtype else rp.with_dtype(dtype)
                                     for rp in row_partitions)
        self._inner_shape = inner
        self._dtype = dtype
        if row_partitions and inner.shape[0] == 0:
            raise ValueError("DynamicRaggedShape: inner_shape must have rank >= 1 when there "
                             "are row partitions")
        if validate:
            self._validate()

    def _validate(self):
        rps = self._row_partitions
        for outer, inner in zip(rps, rps[1:]):
            if outer.static_nvals != inner.static_nrows:
                raise invalid_argument(f"Shape not consistent: a partition with nvals="
                                       f"{outer.static_nvals} is followed by one with nrows="
                                       f"{inner.static_nrows}", "DynamicRaggedShape")
        if rps and rps[-1].static_nvals != int(self._inner_static()[0]):
            raise invalid_argument(f"Shape not consistent: the last partition has nvals="
                                   f"{rps[-1].static_nvals} but inner_shape[0]="
                                   f"{int(self._inner_static()[0])}", "DynamicRaggedShape")

    # -- factories ---------------------------------------------------------------
    @classmethod
    def from_lengths(cls, lengths, num_row_partitions=None, dtype=dtypes.int64):
        """A shape from per-dimension lengths: an int (uniform) or a tuple (row lengths).

        >>> import tapeflow as tf
        >>> tf.experimental.DynamicRaggedShape.from_lengths([2, (2, 1), 3])
        <DynamicRaggedShape lengths=[2, (2, 1), 3] num_row_partitions=1>
        """
        lengths = list(lengths)
        for i, d in enumerate(lengths):
            if isinstance(d, (list, tuple)) and i == 0:
                raise ValueError(f"Shape {tuple(d)} must have rank 1: the first dimension "
                                 "of a DynamicRaggedShape is uniform")
        last_ragged = max([i for i, d in enumerate(lengths) if isinstance(d, (list, tuple))],
                          default=0)
        nrp = last_ragged if num_row_partitions is None else int(num_row_partitions)
        if nrp < last_ragged or (lengths and nrp >= len(lengths)) or (not lengths and nrp):
            raise ValueError(f"DynamicRaggedShape.from_lengths: num_row_partitions={nrp} is "
                             f"invalid for lengths={lengths}")
        dt = dtypes.as_dtype(dtype)
        rps, count = [], int(lengths[0]) if lengths else 1
        for d in lengths[1:nrp + 1]:
            if isinstance(d, (list, tuple)):
                if len(d) != count:
                    raise ValueError("Shape not consistent.")
                rp = RowPartition.from_row_lengths(np.asarray(d, dt._np))
            else:
                rp = RowPartition.from_uniform_row_length(int(d), count * int(d), nrows=count,
                                                          dtype=dt)
            rps.append(rp)
            count = int(np.asarray(rp.row_splits()._value)[-1])
        inner = [count] + [int(d) for d in lengths[nrp + 1:]] if lengths else []
        return cls(rps, np.asarray(inner, dt._np), dtype=dt)

    @classmethod
    def from_row_partitions(cls, row_partitions, dtype=None):
        """The shape of a RaggedTensor whose flat values are a vector."""
        row_partitions = tuple(row_partitions)
        if not row_partitions:
            raise ValueError("from_row_partitions needs at least one RowPartition")
        nvals = row_partitions[-1].static_nvals
        dt = dtypes.as_dtype(dtype) if dtype is not None else row_partitions[0].dtype
        return cls(row_partitions, np.asarray([nvals], dt._np), dtype=dt, validate=True)

    @classmethod
    def from_tensor(cls, t, dtype=None):
        """The shape of a Tensor or RaggedTensor (what `tf.shape` returns for it).

        >>> import tapeflow as tf
        >>> DynamicRaggedShape.from_tensor(tf.zeros([2, 3]))
        <DynamicRaggedShape lengths=[2, 3] num_row_partitions=0>
        """
        if isinstance(t, RaggedTensor):
            rps, rt = [], t
            while isinstance(rt, RaggedTensor):
                url = rt._uniform_row_length
                width = None
                if url is not None and not isinstance(url._value, jax.core.Tracer):
                    width = int(url._value)
                rps.append(RowPartition(rt._row_splits, internal=True,
                                        uniform_row_length=width))
                rt = rt._values
            dt = dtypes.as_dtype(dtype) if dtype is not None else rps[0].dtype
            return cls(rps, np.asarray(rt.shape.as_list(), dt._np), dtype=dt)
        t = convert_to_tensor(t)
        dt = dtypes.as_dtype(dtype or dtypes.int64)
        return cls([], np.asarray(t._value.shape, dt._np), dtype=dt)

    # -- properties ----------------------------------------------------------------
    @property
    def row_partitions(self):
        return self._row_partitions

    @property
    def inner_shape(self):
        """The shape of the flat values (of the whole tensor when there are no partitions)."""
        return self._inner_shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def num_row_partitions(self):
        return len(self._row_partitions)

    @property
    def inner_rank(self):
        return int(self._inner_shape.shape[0])

    @property
    def rank(self):
        return self.num_row_partitions + self.inner_rank

    def _inner_static(self):
        return concrete(self._inner_shape, "DynamicRaggedShape")

    def with_dtype(self, dtype):
        """The same shape encoded with int32 or int64 lengths."""
        dt = dtypes.as_dtype(dtype)
        return DynamicRaggedShape([rp.with_dtype(dt) for rp in self._row_partitions],
                                  Tensor(self._inner_shape._value.astype(dt._np)), dtype=dt)

    def is_uniform(self, axis):
        """Whether dimension `axis` has one length for every row."""
        axis = self._axis(axis)
        if axis == 0 or axis > self.num_row_partitions:
            return True
        return self._row_partitions[axis - 1].is_uniform()

    def static_lengths(self, ragged_lengths=True):
        """Python lengths: ints for uniform dims, a tuple of row lengths (or None) if ragged.

        >>> import tapeflow as tf
        >>> tf.shape(tf.ragged.constant([[1, 2], [3]])).static_lengths()
        [2, (2, 1)]
        """
        inner = [int(d) for d in self._inner_static()]
        if not self._row_partitions:
            return inner
        out = [self._row_partitions[0].static_nrows]
        for rp in self._row_partitions:
            if rp.is_uniform():
                out.append(rp.static_uniform_row_length)
            else:
                out.append(tuple(int(d) for d in np.diff(concrete(rp.row_splits(), "shape")))
                           if ragged_lengths else None)
        return out + inner[1:]

    def _to_tensor_shape(self):
        """The static TensorShape: None for every ragged dimension."""
        return TensorShape([d if isinstance(d, int) else None
                            for d in self.static_lengths(ragged_lengths=False)])

    def _with_num_row_partitions(self, num_row_partitions):
        """The same shape with uniform dimensions turned into (or back from) partitions."""
        lengths = self.static_lengths()
        return DynamicRaggedShape.from_lengths(lengths, num_row_partitions, self._dtype)

    # -- indexing ------------------------------------------------------------------
    def _axis(self, index):
        rank = self.rank
        if index >= rank or index < -rank:
            raise IndexError(f"Index is too big: {index}>={rank}")
        return index + rank if index < 0 else index

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._slice(index)
        index = self._axis(int(index))
        nrp = self.num_row_partitions
        if index == 0 and nrp:
            return self._row_partitions[0].nrows()
        if index > nrp or nrp == 0:
            return Tensor(self._inner_shape._value[index - nrp])
        rp = self._row_partitions[index - 1]
        if not rp.is_uniform():
            raise ValueError(f"Index {index} is not uniform")
        return rp.uniform_row_length()

    def _slice(self, key):
        start, stop, step = key.indices(self.rank)
        if step != 1:
            raise ValueError("DynamicRaggedShape: slices with a step are not supported; "
                             f"Received: step={key.step}")
        stop = max(stop, start)
        if start == 0:
            return self._prefix(stop)
        lengths = self.static_lengths()
        if any(isinstance(d, tuple) for d in lengths[:stop]):
            raise ValueError("All relevant dimensions must be uniform")
        return DynamicRaggedShape.from_lengths(lengths[start:stop], dtype=self._dtype)

    def _prefix(self, k):
        nrp = self.num_row_partitions
        if k > nrp:
            return DynamicRaggedShape(self._row_partitions,
                                      Tensor(self._inner_shape._value[:k - nrp]),
                                      dtype=self._dtype)
        if k == 0:
            return DynamicRaggedShape([], np.zeros((0,), self._dtype._np), dtype=self._dtype)
        rp = self._row_partitions[k - 1]
        size = rp.static_nrows
        return DynamicRaggedShape(self._row_partitions[:k - 1],
                                  np.asarray([size], self._dtype._np), dtype=self._dtype)

    # -- Python protocol ---------------------------------------------------------------
    def __repr__(self):
        lengths = ", ".join(str(d) if not isinstance(d, tuple) else
                            "(" + ", ".join(map(str, d)) + ")"
                            for d in self.static_lengths())
        return (f"<DynamicRaggedShape lengths=[{lengths}] "
                f"num_row_partitions={self.num_row_partitions}>")

    def _as_tensor(self):
        """A dense shape converts to its shape vector; a ragged one goes to dispatch."""
        if not self._row_partitions:
            return self._inner_shape
        raise CompositeArgument(f"A DynamicRaggedShape with ragged dimensions ({self!r}) "
                                "cannot be converted to a shape vector")
