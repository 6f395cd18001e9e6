"""RepeatVector: (batch, features) -> (batch, n, features)."""
import tapeflow as tf

from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["RepeatVector"]


class RepeatVector(Layer):
    """Repeats the input `n` times along a new axis 1."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return tf.tile(tf.expand_dims(inputs, 1), [1, self.n, 1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
