"""`tf.RaggedTensor`: rows of different lengths, as flat values plus row partitions.

A RaggedTensor holds `values` (a Tensor, or another RaggedTensor for ragged
rank > 1) and `row_splits` (int64 by default): row `i` is
`values[row_splits[i]:row_splits[i + 1]]`. Math on it runs on `flat_values`
with tapeflow ops, so tapes record it and gradients flow to the flat values.

>>> import tapeflow as tf
>>> rt = tf.RaggedTensor.from_row_splits([3, 1, 4, 1, 5, 9, 2], row_splits=[0, 4, 4, 7])
>>> rt.to_list()
[[3, 1, 4, 1], [], [5, 9, 2]]
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.composite import static_or_tensor, to_tensor
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from . import conversion, indexing
from .row_partition import (check_splits, concrete, lengths_to_splits, splits_dtype,
                            value_rowids_to_splits)
from ..ops.symbolic_dispatch import CompositeArgument
from . import ragged_spec  # module import: ragged_spec imports this module too

__all__ = ["RaggedTensor"]


def _values(values):
    return values if isinstance(values, RaggedTensor) else convert_to_tensor(values)


class RaggedTensor:
    """A tensor with one or more ragged dimensions (`tf.RaggedTensor`)."""

    __slots__ = ("_values", "_row_splits", "_uniform_row_length", "__weakref__")

    def __init__(self, values, row_splits, uniform_row_length=None, internal=False):
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the "
                             "factory methods instead (e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._row_splits = row_splits
        self._uniform_row_length = uniform_row_length

    # -- factories -------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows `values[row_splits[i]:row_splits[i + 1]]`.

        >>> RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 3]).to_list()
        [[1, 2], [3]]
        """
        values = _values(values)
        splits = convert_to_tensor(row_splits, dtype_hint=splits_dtype(values))
        if validate:
            check_splits(splits, _nvals(values), "RaggedTensor.from_row_splits")
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Row `i` has `row_lengths[i]` values.

        >>> RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1]).to_list()
        [[1, 2], [], [3]]
        """
        values = _values(values)
        lengths = convert_to_tensor(row_lengths, dtype_hint=splits_dtype(values))
        splits = lengths_to_splits(lengths, "RaggedTensor.from_row_lengths")
        if validate:
            check_splits(splits, _nvals(values), "RaggedTensor.from_row_lengths")
        return cls(values, splits, internal=True)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """values[i] belongs to row `value_rowids[i]` (sorted); `nrows` adds empty rows.

        >>> RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2]).to_list()
        [[1, 2], [], [3]]
        """
        values = _values(values)
        ids = convert_to_tensor(value_rowids, dtype_hint=splits_dtype(values))
        splits = value_rowids_to_splits(ids, nrows, "RaggedTensor.from_value_rowids")
        if validate:
            check_splits(splits, _nvals(values), "RaggedTensor.from_value_rowids")
        return cls(values, splits, internal=True)

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True,
                                name=None):
        """Rows of equal length `uniform_row_length` (a uniform, not ragged, dimension).

        >>> RaggedTensor.from_uniform_row_length([1, 2, 3, 4], 2).shape
        TensorShape([2, 2])
        """
        values = _values(values)
        n = _nvals(values)
        width = int(concrete(convert_to_tensor(uniform_row_length), "uniform_row_length"))
        if width < 0:
            raise invalid_argument(f"uniform_row_length must be >= 0; Received: "
                                   f"uniform_row_length={width}", "RaggedTensor")
        rows = (n // width if width else 0) if nrows is None else int(nrows)
        if validate and rows * width != n:
            raise invalid_argument(
                f"uniform_row_length={width} times nrows={rows} must equal the number of "
                f"values {n}", "RaggedTensor.from_uniform_row_length")
        sd = splits_dtype(values)
        splits = Tensor(np.arange(rows + 1, dtype=sd._np) * width)
        return cls(values, splits, Tensor(np.asarray(width, sd._np)), internal=True)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Applies `from_row_splits` for each splits vector, innermost last.

        >>> RaggedTensor.from_nested_row_splits([1, 2, 3], ([0, 1, 2], [0, 2, 3])).to_list()
        [[[1, 2]], [[3]]]
        """
        if isinstance(nested_row_splits, (Tensor, np.ndarray)):
            raise TypeError("nested_row_splits must be a list of Tensors")
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits, validate=validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        """Applies `from_row_lengths` for each lengths vector, innermost last."""
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None,
                                 name=None, validate=True):
        """Applies `from_value_rowids` for each rowids vector, innermost last."""
        ids = list(nested_value_rowids)
        nrows = [None] * len(ids) if nested_nrows is None else list(nested_nrows)
        result = flat_values
        for r, n in zip(reversed(ids), reversed(nrows)):
            result = cls.from_value_rowids(result, r, n, validate=validate)
        return result

    # -- properties ------------------------------------------------------------
    @property
    def values(self):
        """The concatenated rows: a Tensor, or a RaggedTensor if ragged_rank > 1."""
        return self._values

    @property
    def row_splits(self):
        return self._row_splits

    @property
    def flat_values(self):
        """The innermost values Tensor (no ragged dimensions)."""
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    @property
    def nested_row_splits(self):
        """The row_splits of every ragged dimension, outermost first."""
        out, rt = [self._row_splits], self._values
        while isinstance(rt, RaggedTensor):
            out.append(rt._row_splits)
            rt = rt._values
        return tuple(out)

    @property
    def ragged_rank(self):
        v = self._values
        return 1 + (v.ragged_rank if isinstance(v, RaggedTensor) else 0)

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def row_splits_dtype(self):
        return self._row_splits.dtype

    @property
    def uniform_row_length(self):
        return self._uniform_row_length

    @property
    def shape(self):
        """Static shape: `[nrows, None, ...]` (None for each ragged dimension)."""
        nrows = self._row_splits.shape[0]
        nrows = None if nrows is None else nrows - 1
        url = self._uniform_row_length
        width = None
        if url is not None and not isinstance(url._value, jax.core.Tracer):
            width = int(url._value)
        inner = self._values.shape.as_list()[1:]
        return TensorShape([nrows, width] + inner)

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self.shape.rank

    def _nrows_static(self):
        return self._row_splits.shape[0] - 1

    # -- row partition accessors -------------------------------------------------
    def nrows(self, out_type=None, name=None):
        """Number of rows, as a scalar Tensor of the splits dtype."""
        dt = self.row_splits_dtype if out_type is None else dtypes.as_dtype(out_type)
        return Tensor(jnp.asarray(self._nrows_static(), dt._np))

    def row_starts(self, name=None):
        return Tensor(self._row_splits._value[:-1])

    def row_limits(self, name=None):
        return Tensor(self._row_splits._value[1:])

    def row_lengths(self, axis=1, name=None):
        """Lengths of the rows; `axis=2` gives the lengths of the next ragged dimension.

        >>> RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 2, 3]).row_lengths().numpy()
        array([2, 0, 1])
        """
        if axis == 1:
            s = self._row_splits._value
            if not isinstance(s, jax.core.Tracer):
                s = np.asarray(s)
            return Tensor(s[1:] - s[:-1])
        if axis > 1 and isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.row_lengths(axis - 1))
        raise ValueError(f"row_lengths: axis={axis} is not a ragged dimension of a "
                         f"RaggedTensor with ragged_rank={self.ragged_rank}")

    def value_rowids(self, name=None):
        """The row index of each value: `[0, 0, 2]` for splits `[0, 2, 2, 3]`."""
        s = self._row_splits._value
        if not isinstance(s, jax.core.Tracer):  # host arithmetic: nothing to compile
            s = np.asarray(s)
            return Tensor(np.repeat(np.arange(len(s) - 1, dtype=s.dtype), np.diff(s)))
        n = _nvals(self._values)
        ids = jnp.searchsorted(s[1:], jnp.arange(n, dtype=s.dtype), side="right")
        return Tensor(ids.astype(s.dtype))

    def nested_row_lengths(self, name=None):
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.row_lengths())
            rt = rt._values
        return tuple(out)

    def nested_value_rowids(self, name=None):
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.value_rowids())
            rt = rt._values
        return tuple(out)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The smallest dense shape holding every row: `[nrows, max row length, ...]`.

        >>> RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 2, 3]).bounding_shape().numpy()
        array([3, 2])
        """
        dt = self.row_splits_dtype if out_type is None else dtypes.as_dtype(out_type)
        dims = [self._nrows_static()]
        rt = self
        while isinstance(rt, RaggedTensor):
            lengths = np.diff(concrete(rt._row_splits, "bounding_shape"))
            dims.append(int(lengths.max()) if lengths.size else 0)
            rt = rt._values
        dims += rt.shape.as_list()[1:]
        shape = np.asarray(dims, dt._np)
        return Tensor(jnp.asarray(shape if axis is None else shape[axis]))

    # -- rebuilding ----------------------------------------------------------------
    def with_values(self, new_values):
        """The same row partition (outermost) over `new_values`."""
        new_values = _values(new_values)
        return RaggedTensor(new_values, self._row_splits, self._uniform_row_length,
                            internal=True)

    def with_flat_values(self, new_values):
        """The same nested row partitions over new flat values.

        >>> rt = RaggedTensor.from_row_splits([1., 2.], [0, 1, 2])
        >>> rt.with_flat_values(rt.flat_values * 2).to_list()
        [[2.0], [4.0]]
        """
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        dtype = dtypes.as_dtype(dtype)
        v = self._values
        if isinstance(v, RaggedTensor):
            v = v.with_row_splits_dtype(dtype)
        url = self._uniform_row_length
        return RaggedTensor(v, Tensor(self._row_splits._value.astype(dtype._np)),
                            None if url is None else Tensor(url._value.astype(dtype._np)),
                            internal=True)

    # -- conversion ------------------------------------------------------------------
    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                    row_splits_dtype=dtypes.int64):
        """Dense -> ragged; `lengths` or `padding` trim each row."""
        return conversion.from_tensor(cls, tensor, lengths, padding, ragged_rank,
                                      row_splits_dtype)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=dtypes.int64):
        """A 2-D SparseTensor with row-major indices -> a ragged rank 1 RaggedTensor."""
        return conversion.from_sparse(cls, st_input, row_splits_dtype)

    def to_tensor(self, default_value=None, name=None, shape=None):
        """Pads rows with `default_value` (zero by default) into a dense Tensor.

        >>> RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 2, 3]).to_tensor().numpy()
        array([[1, 2],
               [0, 0],
               [3, 0]], dtype=int32)
        """
        return conversion.to_tensor(self, default_value, shape)

    def to_sparse(self, name=None):
        return conversion.to_sparse(self)

    def to_list(self):
        """Nested Python lists (strings as bytes), as `tf.RaggedTensor.to_list`."""
        flat = self.flat_values.numpy()
        rows = list(flat) if flat.dtype == object else flat.tolist()
        for splits in reversed(self.nested_row_splits):
            s = concrete(splits, "to_list").tolist()
            rows = [rows[s[i]:s[i + 1]] for i in range(len(s) - 1)]
        return rows

    def numpy(self):
        """A NumPy object array of rows (each a NumPy array or nested object array)."""
        flat = self.flat_values.numpy()
        rows = flat
        for splits in reversed(self.nested_row_splits):
            s = concrete(splits, "numpy").tolist()
            parts = [rows[s[i]:s[i + 1]] for i in range(len(s) - 1)]
            rows = np.empty(len(parts), object)
            rows[:] = parts
        return rows

    # -- Python protocol -----------------------------------------------------------------
    def __repr__(self):
        if isinstance(self.flat_values._value, jax.core.Tracer):
            return (f"tf.RaggedTensor(values={self._values!r}, "
                    f"row_splits={self._row_splits!r})")
        return f"<tf.RaggedTensor {self.to_list()}>"

    __str__ = __repr__

    def __len__(self):
        return self._nrows_static()

    def __bool__(self):
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __hash__(self):
        raise TypeError("RaggedTensor is unhashable.")

    def __iter__(self):
        return (self[i] for i in range(self._nrows_static()))

    def __getitem__(self, key):
        return indexing.getitem(self, key)

    def _as_tensor(self):
        raise CompositeArgument(f"Cannot convert a RaggedTensor with shape {self.shape} to a "
                                "dense Tensor implicitly; use rt.to_tensor()")

    def __array__(self, dtype=None, copy=None):
        return self.to_tensor().__array__(dtype)

    def __tf_tracing_type__(self, context=None):
        return ragged_spec.RaggedTensorSpec.from_value(self)

    @property
    def _type_spec(self):
        return ragged_spec.RaggedTensorSpec.from_value(self)

    def _to_components(self):
        """(flat_values, *nested_row_splits) — the tensors this value is made of."""
        return (self.flat_values,) + self.nested_row_splits

    def _function_components(self):
        """Components for tf.function: the row splits as static (trace-key) arrays."""
        return (self.flat_values,) + tuple(static_or_tensor(s) for s in self.nested_row_splits)

    def _with_components(self, components):
        """A RaggedTensor shaped like this one over new (flat_values, *row_splits)."""
        components = [to_tensor(c) for c in components]
        urls, rt = [], self
        while isinstance(rt, RaggedTensor):
            url = rt._uniform_row_length
            urls.append(url if url is not None and not isinstance(
                url._value, jax.core.Tracer) else None)
            rt = rt._values
        result = components[0]
        for splits, url in zip(reversed(components[1:]), reversed(urls)):
            result = RaggedTensor(result, splits, url, internal=True)
        return result

    def consumers(self):
        return []


def _nvals(values):
    if isinstance(values, RaggedTensor):
        return values._nrows_static()
    if values.ndim == 0:
        raise ValueError(f"values must have rank >= 1 to build a RaggedTensor; Received: "
                         f"values with shape {values.shape}")
    return values.shape[0]


def _flatten(rt):
    return (rt._values, rt._row_splits, rt._uniform_row_length), None


def _unflatten(aux, children):
    values, splits, url = children
    return RaggedTensor(values, splits, url, internal=True)


jax.tree_util.register_pytree_node(RaggedTensor, _flatten, _unflatten)
