"""`tf.IndexedSlices`: some rows (`values`) of a dense tensor, at `indices`.

`dense_shape` (optional) is the shape of the dense tensor. Converting one to a
Tensor (`tf.convert_to_tensor`, or passing it to any op) sums the rows into a
dense tensor with `tf.math.unsorted_segment_sum`, so gradients reach `values`.

>>> import tapeflow as tf
>>> s = tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.constant([2, 2]))
>>> tf.convert_to_tensor(s).numpy().tolist()
[[0.0, 0.0], [1.0, 2.0]]
"""
import jax
import numpy as np

from ..framework import dtypes
from ..framework.composite import CompositeSpec, static_or_tensor, to_tensor
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..ops import gather_ops, math_ops, segment_ops

__all__ = ["IndexedSlices", "IndexedSlicesSpec"]


class IndexedSlices:
    """Rows `values[i]` of a dense tensor at row `indices[i]` (repeated indices add up).

    >>> import tapeflow as tf
    >>> s = tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([0]), tf.constant([3, 2]))
    >>> s.shape
    TensorShape([3, 2])
    """

    __slots__ = ("_values", "_indices", "_dense_shape", "__weakref__")

    def __init__(self, values, indices, dense_shape=None):
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)
        if not self._indices.dtype.is_integer or self._indices.ndim != 1:
            raise ValueError(f"IndexedSlices: indices must be an integer vector; Received: "
                             f"indices with shape {self._indices.shape} and dtype "
                             f"{self._indices.dtype.name}")
        if self._values.ndim < 1 or self._values.shape[0] != self._indices.shape[0]:
            raise ValueError(f"IndexedSlices: values must have one row per index; Received: "
                             f"values with shape {self._values.shape} for "
                             f"{self._indices.shape[0]} indices")

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        """The dense shape when known, else `[None] + values.shape[1:]`."""
        ds = self._dense_shape
        if ds is not None and not isinstance(ds._value, jax.core.Tracer):
            return TensorShape([int(d) for d in np.asarray(ds._value)])
        return TensorShape([None] + self._values.shape.as_list()[1:])

    @property
    def device(self):
        return self._values.device

    @property
    def name(self):
        return None

    @property
    def graph(self):
        return None

    @property
    def op(self):
        return None

    def consumers(self):
        return []

    def __repr__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"

    __str__ = __repr__

    def __neg__(self):
        return IndexedSlices(math_ops.negative(self._values), self._indices, self._dense_shape)

    def _as_tensor(self):
        """The dense tensor: rows summed at their indices (`tf.convert_to_tensor`)."""
        if self._dense_shape is None:
            raise ValueError(f"Tensor conversion requested for IndexedSlices without "
                             f"dense_shape: {self!r}")
        nrows = int(np.asarray(self._dense_shape._value)[0])
        return segment_ops.unsorted_segment_sum(self._values, self._indices, nrows)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._as_tensor().numpy(), dtype)

    @property
    def _type_spec(self):
        return IndexedSlicesSpec.from_value(self)

    def __tf_tracing_type__(self, context=None):
        return IndexedSlicesSpec.from_value(self)

    def _to_components(self):
        comps = (self._values, self._indices)
        return comps if self._dense_shape is None else comps + (self._dense_shape,)

    def _function_components(self):
        comps = (self._values, static_or_tensor(self._indices))
        if self._dense_shape is None:
            return comps
        return comps + (static_or_tensor(self._dense_shape),)

    def _with_components(self, components):
        components = [to_tensor(c) for c in components]
        return _trusted(*components, *([None] * (3 - len(components))))


def _trusted(values, indices, dense_shape):
    out = object.__new__(IndexedSlices)
    out._values, out._indices, out._dense_shape = values, indices, dense_shape
    return out


def _flatten(s):
    return (s._values, s._indices, s._dense_shape), None


def _unflatten(aux, children):
    return _trusted(*children)


jax.tree_util.register_pytree_node(IndexedSlices, _flatten, _unflatten)


class IndexedSlicesSpec(CompositeSpec):
    """The type of an IndexedSlices (`tf.IndexedSlicesSpec`).

    >>> import tapeflow as tf
    >>> tf.IndexedSlicesSpec(shape=[3, 2], dtype=tf.float32)
    IndexedSlicesSpec(TensorShape([3, 2]), tf.float32, tf.int64, None, TensorShape([None]))
    """

    def __init__(self, shape=None, dtype=dtypes.float32, indices_dtype=dtypes.int64,
                 dense_shape_dtype=None, indices_shape=None):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._indices_dtype = dtypes.as_dtype(indices_dtype)
        self._dense_shape_dtype = (None if dense_shape_dtype is None
                                   else dtypes.as_dtype(dense_shape_dtype))
        self._indices_shape = TensorShape([None] if indices_shape is None else indices_shape)

    @classmethod
    def from_value(cls, value):
        ds = value.dense_shape
        return cls(value.shape, value.dtype, value.indices.dtype,
                   None if ds is None else ds.dtype, value.indices.shape)

    @property
    def value_type(self):
        return IndexedSlices

    def is_compatible_with(self, other):
        spec = other if isinstance(other, IndexedSlicesSpec) else (
            IndexedSlicesSpec.from_value(other) if isinstance(other, IndexedSlices) else None)
        return (spec is not None and spec._dtype == self._dtype
                and self._shape.is_compatible_with(spec._shape))

    def _key(self):
        return ("IndexedSlicesSpec", self._dims(), self._dtype.name, self._indices_dtype.name,
                None if self._dense_shape_dtype is None else self._dense_shape_dtype.name)

    def __repr__(self):
        ds = "None" if self._dense_shape_dtype is None else repr(self._dense_shape_dtype)
        return (f"IndexedSlicesSpec({self._shape!r}, {self._dtype!r}, "
                f"{self._indices_dtype!r}, {ds}, {self._indices_shape!r})")


def mask(a, mask_indices, name=None):
    """The slices of `a` whose index is not in `mask_indices` (`tf.sparse.mask`).

    >>> import tapeflow as tf
    >>> a = tf.IndexedSlices(tf.constant([[-2], [0], [1], [3]]), tf.constant([12, 26, 37, 45]))
    >>> tf.sparse.mask(a, tf.constant([12, 45])).indices.numpy().tolist()
    [26, 37]
    """
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"tf.sparse.mask: a must be an IndexedSlices; Received: "
                        f"{type(a).__name__}")
    idx = np.asarray(a.indices.numpy())
    drop = np.asarray(convert_to_tensor(mask_indices).numpy()).reshape(-1)
    keep = np.nonzero(~np.isin(idx, drop))[0]
    values = gather_ops.gather(a.values, Tensor(keep.astype(np.int64)))
    return IndexedSlices(values, Tensor(idx[keep]), a.dense_shape)
