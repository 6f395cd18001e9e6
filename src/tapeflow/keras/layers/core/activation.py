"""Activation: applies an activation function. `Activation("relu")(x)`."""
from ... import activations
from ..layer import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """Applies `activation` (a name or a function) element-wise."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
