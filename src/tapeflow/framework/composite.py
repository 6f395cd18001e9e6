"""Helpers for composite tensors (RaggedTensor, SparseTensor) crossing `tf.function`.

Inside a compiled function a composite's *layout* (row splits, sparse indices,
dense shape) stays a static, concrete array, part of the trace key, while its
values are traced: XLA needs static shapes, and the layout fixes them.

>>> import numpy as np
>>> StaticArray(np.array([0, 2])) == StaticArray(np.array([0, 2]))
True
"""
import jax
import numpy as np

from .tensor import Tensor

__all__ = ["StaticArray", "static_or_tensor", "to_tensor", "CompositeSpec"]


class StaticArray:
    """A hashable, compared-by-value NumPy array (a trace-key leaf)."""

    __slots__ = ("array", "_hash")

    def __init__(self, array):
        self.array = np.asarray(array)
        self._hash = hash((self.array.dtype.str, self.array.shape, self.array.tobytes()))

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return (isinstance(other, StaticArray) and self._hash == other._hash
                and self.array.dtype == other.array.dtype
                and np.array_equal(self.array, other.array))

    def __repr__(self):
        return f"StaticArray({self.array.tolist()})"


def static_or_tensor(t):
    """A concrete Tensor as a StaticArray; a traced one stays a Tensor."""
    v = t._value
    if isinstance(v, jax.core.Tracer):
        return t
    return StaticArray(np.asarray(v))


def to_tensor(x):
    """Inverse of `static_or_tensor` (anything else passes through)."""
    if isinstance(x, StaticArray):
        with jax.ensure_compile_time_eval():  # a concrete array even while tracing
            return Tensor(jax.numpy.asarray(x.array))
    return x


class CompositeSpec:
    """Shared base of RaggedTensorSpec and SparseTensorSpec: `shape`, `dtype`, equality
    and hashing through `_key()`, and the dims two specs agree on."""

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    def _dims(self):
        return None if self._shape.rank is None else tuple(self._shape.as_list())

    def _agreed_dims(self, other):
        """Each dim where both shapes agree, None elsewhere (None: unknown rank)."""
        if self._shape.rank is None or other.shape.rank is None:
            return None
        return [x if x == y else None for x, y in zip(self._shape.as_list(),
                                                      other.shape.as_list())]

    def __eq__(self, other):
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())
