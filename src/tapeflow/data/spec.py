"""TensorSpec: the shape and dtype of one component of a dataset element.

Used as `Dataset.element_spec` and `from_generator(output_signature=...)`.
`tapeflow.function.TensorSpec` is used instead when that module defines one.

>>> TensorSpec([None, 3], "float32")
TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
"""
from ..framework import dtypes
from ..framework.tensor_shape import TensorShape

__all__ = ["TensorSpec"]


class TensorSpec:
    """Describes a tensor by `shape`, `dtype` and an optional `name`."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """Spec of an existing tensor: `TensorSpec.from_tensor(tf.constant([1]))`."""
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, other):
        """True when dtypes match and shapes are compatible (None matches any size)."""
        shape = getattr(other, "shape", None)
        return (dtypes.as_dtype(other.dtype) == self._dtype
                and self._shape.is_compatible_with(TensorShape(shape)))

    def most_specific_compatible_type(self, other):
        """The spec keeping the dims both specs agree on (others become None)."""
        a, b = self._shape, other.shape
        if a.rank is None or b.rank is None or a.rank != b.rank:
            return TensorSpec(None, self._dtype)
        dims = [x if x == y else None for x, y in zip(a.as_list(), b.as_list())]
        return TensorSpec(dims, self._dtype)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self._dtype == other._dtype
                and str(self._shape) == str(other._shape))

    def __hash__(self):
        return hash((self._dtype.name, str(self._shape)))

    def __repr__(self):
        return f"TensorSpec(shape={self._shape}, dtype=tf.{self._dtype.name}, name={self._name!r})"
