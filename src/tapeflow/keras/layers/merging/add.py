"""Add: Adds a list of inputs element-wise. `Add()([a, b])`, or `add([a, b])`."""
from .base_merge import Merge

__all__ = ["Add", "add"]


class Add(Merge):
    """Adds a list of inputs element-wise."""

    def _merge(self, tensors):
        out = tensors[0]
        for x in tensors[1:]:
            out = out + x
        return out


def add(inputs, **kwargs):
    """Functional form: `Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)
