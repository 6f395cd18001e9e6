"""Identity: returns its input unchanged. `Identity()(x) is x`."""
from ..layer import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """A placeholder layer that returns its input."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs
