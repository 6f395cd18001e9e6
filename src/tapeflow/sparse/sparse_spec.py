"""`tf.SparseTensorSpec`: the type of a SparseTensor (dense shape and dtype).

>>> import tapeflow as tf
>>> tf.SparseTensorSpec([None, 4], tf.float32)
SparseTensorSpec(TensorShape([None, 4]), tf.float32)
"""
from ..framework import dtypes
from ..framework.tensor_shape import TensorShape

__all__ = ["SparseTensorSpec"]


class SparseTensorSpec:
    """Describes a SparseTensor in `tf.function` signatures and `element_spec`."""

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def value_type(self):
        from .sparse_tensor import SparseTensor
        return SparseTensor

    def is_compatible_with(self, other):
        spec = other if isinstance(other, SparseTensorSpec) else (
            SparseTensorSpec.from_value(other) if hasattr(other, "dense_shape") else None)
        return (spec is not None and spec._dtype == self._dtype
                and self._shape.is_compatible_with(spec._shape))

    def most_specific_compatible_type(self, other):
        if not self.is_compatible_with(other):
            raise ValueError(f"No common supertype of {self} and {other}.")
        if self._shape.rank is None or other.shape.rank is None:
            return SparseTensorSpec(None, self._dtype)
        a, b = self._shape.as_list(), other.shape.as_list()
        return SparseTensorSpec([x if x == y else None for x, y in zip(a, b)], self._dtype)

    def _key(self):
        dims = None if self._shape.rank is None else tuple(self._shape.as_list())
        return ("SparseTensorSpec", dims, self._dtype.name)

    def __eq__(self, other):
        return isinstance(other, SparseTensorSpec) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"SparseTensorSpec({self._shape!r}, {self._dtype!r})"
