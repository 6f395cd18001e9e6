"""Activation: applies an activation function. `Activation("relu")(x)`."""
import tapeflow as tf

from ... import activations
from ..layer import Layer

__all__ = ["Activation"]


def _row_softmax(rt, log):
    """(log-)softmax over each ragged row of `rt` (its last axis is the ragged one)."""
    shifted = rt - tf.reduce_max(rt, axis=-1, keepdims=True)
    total = tf.reduce_sum(tf.exp(shifted), axis=-1, keepdims=True)
    return shifted - tf.math.log(total) if log else tf.exp(shifted) / total


class Activation(Layer):
    """Applies `activation` (a name or a function) element-wise."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        if isinstance(inputs, tf.RaggedTensor):  # element-wise: on the flat values, as tf.keras
            if inputs.flat_values.shape.rank == 1 and self.activation in (
                    activations.softmax, activations.log_softmax):
                return _row_softmax(inputs, self.activation is activations.log_softmax)
            return inputs.with_flat_values(self.activation(inputs.flat_values))
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
