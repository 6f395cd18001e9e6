"""`tf.RaggedTensorSpec`: the type of a RaggedTensor (shape, dtype, ragged_rank).

>>> import tapeflow as tf
>>> tf.RaggedTensorSpec.from_value(tf.ragged.constant([[1], [2, 3]]))
RaggedTensorSpec(TensorShape([2, None]), tf.int32, 1, tf.int64)
"""
from ..framework import dtypes
from ..framework.composite import CompositeSpec
from ..framework.tensor_shape import TensorShape
from . import ragged_tensor  # module import: ragged_tensor imports this module too

__all__ = ["RaggedTensorSpec"]


class RaggedTensorSpec(CompositeSpec):
    """Describes a RaggedTensor: used in `tf.function` signatures and `element_spec`."""

    def __init__(self, shape=None, dtype=dtypes.float32, ragged_rank=None,
                 row_splits_dtype=dtypes.int64, flat_values_spec=None):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        rank = self._shape.rank
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = rank - 1
        if rank is not None and not 0 <= ragged_rank < max(rank, 1):
            raise ValueError(f"ragged_rank must be non-negative and less than the rank; "
                             f"Received: ragged_rank={ragged_rank}, shape={self._shape}")
        self._ragged_rank = ragged_rank
        self._row_splits_dtype = dtypes.as_dtype(row_splits_dtype)
        self._flat_values_spec = flat_values_spec

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype, value.ragged_rank, value.row_splits_dtype)

    @property
    def ragged_rank(self):
        return self._ragged_rank

    @property
    def row_splits_dtype(self):
        return self._row_splits_dtype

    @property
    def flat_values_spec(self):
        return self._flat_values_spec

    @property
    def value_type(self):
        return ragged_tensor.RaggedTensor

    def is_compatible_with(self, other):
        if isinstance(other, RaggedTensorSpec):
            spec = other
        elif hasattr(other, "ragged_rank") and hasattr(other, "row_splits"):
            spec = RaggedTensorSpec.from_value(other)
        else:
            return False
        return (self._dtype == spec._dtype and self._ragged_rank == spec._ragged_rank
                and self._row_splits_dtype == spec._row_splits_dtype
                and self._shape.is_compatible_with(spec._shape))

    def most_specific_compatible_type(self, other):
        if not self.is_compatible_with(other):
            raise ValueError(f"No common supertype of {self} and {other}.")
        return RaggedTensorSpec(self._agreed_dims(other), self._dtype, self._ragged_rank,
                                self._row_splits_dtype)

    def _key(self):
        return ("RaggedTensorSpec", self._dims(), self._dtype.name, self._ragged_rank,
                self._row_splits_dtype.name)

    def __repr__(self):
        return (f"RaggedTensorSpec({self._shape!r}, {self._dtype!r}, {self._ragged_rank}, "
                f"{self._row_splits_dtype!r})")
