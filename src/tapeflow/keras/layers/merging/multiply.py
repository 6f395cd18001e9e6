"""Multiply: Multiplies a list of inputs element-wise. `Multiply()([a, b])`, or `multiply([a, b])`."""
from .base_merge import Merge

__all__ = ["Multiply", "multiply"]


class Multiply(Merge):
    """Multiplies a list of inputs element-wise."""

    def _merge(self, tensors):
        out = tensors[0]
        for x in tensors[1:]:
            out = out * x
        return out


def multiply(inputs, **kwargs):
    """Functional form: `Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)
