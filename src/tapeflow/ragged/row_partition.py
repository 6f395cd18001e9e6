"""Row partitions: conversions between row_splits, row_lengths and value_rowids.

`check_splits` validates a partition with TF's InvalidArgumentError when its
values are known (eagerly, or constants inside a trace).

>>> import tapeflow as tf
>>> tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy()
array([0, 0, 2])
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["RowPartition", "row_splits_to_segment_ids", "segment_ids_to_row_splits"]


def splits_dtype(values):
    """The row-splits dtype to use beside `values` (its own splits' dtype if ragged)."""
    inner = getattr(values, "row_splits", None)
    return inner.dtype if inner is not None else dtypes.int64


def is_concrete(t):
    return not isinstance(t._value, jax.core.Tracer)


def concrete(t, what):
    """The NumPy value of a Tensor, or a clear error for symbolic ones."""
    if not is_concrete(t):
        raise TypeError(f"{what} needs the values of the ragged row partition, which are "
                        "symbolic inside this tf.function; pass a static `shape` or call it "
                        "outside the function.")
    return np.asarray(t._value)


def _int_check(t, name, op):
    if not t.dtype.is_integer or t.dtype not in (dtypes.int32, dtypes.int64):
        raise invalid_argument(f"{name} must be int32 or int64; Received: {name} with dtype "
                               f"{t.dtype.name}", op)
    if t.ndim != 1:
        raise invalid_argument(f"{name} must be a vector; Received: {name} with shape "
                               f"{t.shape}", op)


def check_splits(splits, nvals, op):
    """TF's checks: a vector, starting at 0, non-decreasing, ending at the value count."""
    _int_check(splits, "row_splits", op)
    if splits.shape[0] == 0:
        raise invalid_argument("row_splits must have at least one element "
                               "(row_splits[0] == 0); Received: row_splits=[]", op)
    if not is_concrete(splits):
        return
    s = np.asarray(splits._value)
    if s[0] != 0:
        raise invalid_argument(f"Arguments to {op} do not form a valid RaggedTensor: "
                               f"row_splits must start with 0; Received: row_splits="
                               f"{s.tolist()}", op)
    if np.any(np.diff(s) < 0):
        raise invalid_argument(f"Arguments to {op} do not form a valid RaggedTensor: "
                               f"row_splits must be sorted in ascending order; Received: "
                               f"row_splits={s.tolist()}", op)
    if nvals is not None and s[-1] != nvals:
        raise invalid_argument(f"Arguments to {op} do not form a valid RaggedTensor: "
                               f"the last row split ({int(s[-1])}) must equal the number of "
                               f"values ({nvals}); Received: row_splits={s.tolist()}", op)


def lengths_to_splits(lengths, op):
    _int_check(lengths, "row_lengths", op)
    if is_concrete(lengths) and np.any(np.asarray(lengths._value) < 0):
        raise invalid_argument(f"row_lengths must be non-negative; Received: row_lengths="
                               f"{np.asarray(lengths._value).tolist()}", op)
    v = lengths._value
    return Tensor(jnp.concatenate([jnp.zeros((1,), v.dtype), jnp.cumsum(v, dtype=v.dtype)]))


def value_rowids_to_splits(ids, nrows, op):
    _int_check(ids, "value_rowids", op)
    v = ids._value
    if nrows is None:
        nrows = int(concrete(ids, op).max()) + 1 if v.shape[0] else 0
    else:
        nrows = int(concrete(convert_to_tensor(nrows), op))
    if is_concrete(ids):
        a = np.asarray(v)
        if a.size and (np.any(np.diff(a) < 0) or a[0] < 0 or a[-1] >= nrows):
            raise invalid_argument(f"value_rowids must be sorted and in [0, nrows={nrows}); "
                                   f"Received: value_rowids={a.tolist()}", op)
    counts = jnp.searchsorted(v, jnp.arange(nrows + 1, dtype=v.dtype), side="left")
    return Tensor(counts.astype(v.dtype))


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row index of every value: `[0, 2, 2, 3] -> [0, 0, 2]`."""
    splits = convert_to_tensor(splits, dtype_hint=dtypes.int64)
    check_splits(splits, None, "RowSplitsToSegmentIds")
    s = splits._value
    n = int(concrete(splits, "row_splits_to_segment_ids")[-1])
    dt = s.dtype if out_type is None else dtypes.as_dtype(out_type)._np
    ids = jnp.searchsorted(s[1:], jnp.arange(n, dtype=s.dtype), side="right")
    return Tensor(ids.astype(dt))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Sorted segment ids -> row splits: `[0, 0, 2] -> [0, 2, 2, 3]`.

    >>> import tapeflow as tf
    >>> tf.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy()
    array([0, 2, 2, 3])
    """
    ids = convert_to_tensor(segment_ids, dtype_hint=dtypes.int64)
    splits = value_rowids_to_splits(ids, num_segments, "SegmentIdsToRowSplits")
    if out_type is not None:
        splits = Tensor(splits._value.astype(dtypes.as_dtype(out_type)._np))
    return splits


class RowPartition:
    """How a ragged dimension splits values into rows (`tf.experimental.RowPartition`).

    >>> RowPartition.from_row_lengths([2, 0, 1]).row_splits().numpy()
    array([0, 2, 2, 3])
    """

    def __init__(self, row_splits, internal=False, uniform_row_length=None):
        if not internal:
            raise ValueError("RowPartition constructor is private; use a from_* factory.")
        self._splits = row_splits
        self._uniform = uniform_row_length  # a Python int when the rows are uniform

    @classmethod
    def from_row_splits(cls, row_splits, validate=True, dtype=None):
        s = convert_to_tensor(row_splits, dtype=dtype, dtype_hint=dtypes.int64)
        if validate:
            check_splits(s, None, "RowPartition.from_row_splits")
        return cls(s, internal=True)

    @classmethod
    def from_row_lengths(cls, row_lengths, validate=True, dtype=None):
        t = convert_to_tensor(row_lengths, dtype=dtype, dtype_hint=dtypes.int64)
        return cls(lengths_to_splits(t, "RowPartition.from_row_lengths"), internal=True)

    @classmethod
    def from_value_rowids(cls, value_rowids, nrows=None, validate=True, dtype=None):
        t = convert_to_tensor(value_rowids, dtype=dtype, dtype_hint=dtypes.int64)
        return cls(value_rowids_to_splits(t, nrows, "RowPartition.from_value_rowids"),
                   internal=True)

    @classmethod
    def from_uniform_row_length(cls, uniform_row_length, nvals, nrows=None, validate=True,
                                dtype=None):
        w, n = int(uniform_row_length), int(nvals)
        rows = (n // w if w else 0) if nrows is None else int(nrows)
        dt = dtypes.as_dtype(dtype or dtypes.int64)._np
        return cls(Tensor(np.arange(rows + 1, dtype=dt) * w), internal=True,
                   uniform_row_length=w)

    @classmethod
    def from_row_starts(cls, row_starts, nvals, validate=True, dtype=None):
        """Rows starting at `row_starts` (sorted), the last one ending at `nvals`.

        >>> RowPartition.from_row_starts([0, 1], 3).row_splits().numpy()
        array([0, 1, 3])
        """
        t = convert_to_tensor(row_starts, dtype=dtype, dtype_hint=dtypes.int64)
        _int_check(t, "row_starts", "RowPartition.from_row_starts")
        end = jnp.asarray([int(concrete(convert_to_tensor(nvals), "nvals"))], t._value.dtype)
        return cls.from_row_splits(Tensor(jnp.concatenate([t._value, end])), validate)

    @classmethod
    def from_row_limits(cls, row_limits, validate=True, dtype=None):
        """Rows ending at `row_limits` (sorted); the first one starts at 0.

        >>> RowPartition.from_row_limits([1, 3]).row_splits().numpy()
        array([0, 1, 3])
        """
        t = convert_to_tensor(row_limits, dtype=dtype, dtype_hint=dtypes.int64)
        _int_check(t, "row_limits", "RowPartition.from_row_limits")
        zero = jnp.zeros((1,), t._value.dtype)
        return cls.from_row_splits(Tensor(jnp.concatenate([zero, t._value])), validate)

    def row_splits(self):
        return self._splits

    def row_starts(self):
        return Tensor(self._splits._value[:-1])

    def row_limits(self):
        return Tensor(self._splits._value[1:])

    def uniform_row_length(self):
        """The common row length as a scalar Tensor, or None for ragged rows."""
        if self._uniform is None:
            return None
        return Tensor(np.asarray(self._uniform, self._splits._value.dtype))

    def is_uniform(self):
        return self._uniform is not None

    @property
    def static_nrows(self):
        n = self._splits.shape[0]
        return None if n is None else n - 1

    @property
    def static_nvals(self):
        return int(self._splits._value[-1]) if is_concrete(self._splits) else None

    @property
    def static_uniform_row_length(self):
        return self._uniform

    def offsets_in_rows(self):
        """The position of every value inside its row: `[0, 0, 1]` for splits `[0, 1, 3]`."""
        s = concrete(self._splits, "offsets_in_rows")
        ids = np.repeat(np.arange(len(s) - 1), np.diff(s))
        return Tensor(np.arange(s[-1], dtype=s.dtype) - s[ids])

    def with_dtype(self, dtype):
        """The same partition with int32 or int64 row splits."""
        dt = dtypes.as_dtype(dtype)
        return RowPartition(Tensor(self._splits._value.astype(dt._np)), internal=True,
                            uniform_row_length=self._uniform)

    def row_lengths(self):
        s = self._splits._value
        return Tensor(s[1:] - s[:-1])

    def value_rowids(self):
        return row_splits_to_segment_ids(self._splits)

    def nrows(self):
        return Tensor(np.asarray(self._splits.shape[0] - 1, self._splits._value.dtype))

    def nvals(self):
        return Tensor(self._splits._value[-1])

    @property
    def dtype(self):
        return self._splits.dtype

    def __repr__(self):
        if self._uniform is not None:
            return f"tf.RowPartition(nrows={self.static_nrows}, uniform_row_length={self._uniform})"
        if not is_concrete(self._splits):
            return f"tf.RowPartition(row_splits={self._splits!r})"
        return f"tf.RowPartition(row_splits={np.asarray(self._splits._value)})"
