"""TensorSpec: the shape and dtype a tapeflow.function argument must have.

>>> import tapeflow as tf
>>> spec = tf.TensorSpec([None, 3], tf.float32)
>>> spec.is_compatible_with(tf.zeros([5, 3]))
True
"""
from ..framework import dtypes
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape

__all__ = ["TensorSpec"]


class TensorSpec:
    """Describes a tensor (`tf.TensorSpec(shape, dtype=tf.float32, name=None)`)."""

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of an existing tensor or Variable."""
        t = convert_to_tensor(tensor)
        return cls(t.shape, t.dtype, name)

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    def is_compatible_with(self, other):
        """True when `other` (a tensor or spec) fits this spec's dtype and shape."""
        if not isinstance(other, TensorSpec):
            other = TensorSpec.from_tensor(other)
        return other.dtype == self._dtype and self._shape.is_compatible_with(other.shape)

    def _key(self):
        return (tuple(self._shape.as_list()) if self._shape.rank is not None else None,
                self._dtype.name)

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and self._key() == other._key() and \
            self._name == other._name

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"TensorSpec(shape={self._shape}, dtype=tf.{self._dtype.name}, name={self._name!r})"


def check_against(spec, value, fn_name, index):
    """Converts one argument to a Tensor that fits `spec`, or raises TypeError."""
    if not isinstance(value, Tensor):
        try:
            value = convert_to_tensor(value, dtype_hint=spec.dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"Binding inputs to tf.function `{fn_name}` failed: argument "
                            f"{index} ({value!r}) cannot be converted to {spec}.") from e
    if value.dtype != spec.dtype or not spec.shape.is_compatible_with(value.shape):
        raise TypeError(
            f"Binding inputs to tf.function `{fn_name}` failed: argument {index} "
            f"TensorSpec(shape={value.shape}, dtype=tf.{value.dtype.name}) is not compatible "
            f"with the input_signature's {spec}.")
    return value
