"""Subtract: `inputs[0] - inputs[1]` (exactly two inputs). `subtract([a, b])`."""
from .base_merge import Merge

__all__ = ["Subtract", "subtract"]


class Subtract(Merge):
    """Subtracts the second input from the first."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={input_shape}")

    def _merge(self, tensors):
        return tensors[0] - tensors[1]


def subtract(inputs, **kwargs):
    """Functional form: `Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)
