"""`tf.SparseTensorSpec`: the type of a SparseTensor (dense shape and dtype).

>>> import tapeflow as tf
>>> tf.SparseTensorSpec([None, 4], tf.float32)
SparseTensorSpec(TensorShape([None, 4]), tf.float32)
"""
from ..framework import dtypes
from ..framework.composite import CompositeSpec
from ..framework.tensor_shape import TensorShape
from . import sparse_tensor  # module import: sparse_tensor imports this module too

__all__ = ["SparseTensorSpec"]


class SparseTensorSpec(CompositeSpec):
    """Describes a SparseTensor in `tf.function` signatures and `element_spec`."""

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)

    @property
    def value_type(self):
        return sparse_tensor.SparseTensor

    def is_compatible_with(self, other):
        spec = other if isinstance(other, SparseTensorSpec) else (
            SparseTensorSpec.from_value(other) if hasattr(other, "dense_shape") else None)
        return (spec is not None and spec._dtype == self._dtype
                and self._shape.is_compatible_with(spec._shape))

    def most_specific_compatible_type(self, other):
        if not self.is_compatible_with(other):
            raise ValueError(f"No common supertype of {self} and {other}.")
        return SparseTensorSpec(self._agreed_dims(other), self._dtype)

    def _key(self):
        return ("SparseTensorSpec", self._dims(), self._dtype.name)

    def __repr__(self):
        return f"SparseTensorSpec({self._shape!r}, {self._dtype!r})"
