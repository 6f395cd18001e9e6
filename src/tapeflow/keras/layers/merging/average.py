"""Average: element-wise mean of a list of inputs. `average([a, b])`."""
from .base_merge import Merge

__all__ = ["Average", "average"]


class Average(Merge):
    """Averages a list of inputs element-wise."""

    def _merge(self, tensors):
        out = tensors[0]
        for x in tensors[1:]:
            out = out + x
        return out / len(tensors)


def average(inputs, **kwargs):
    """Functional form: `Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)
