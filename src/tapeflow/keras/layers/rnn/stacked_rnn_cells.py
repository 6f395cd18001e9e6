"""StackedRNNCells: several cells run as one; each step feeds one cell's output to the next.

Its state is the tuple of the cells' states (in order); its output is the
last cell's output.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> cells = [keras.layers.LSTMCell(4), keras.layers.GRUCell(3)]
>>> keras.layers.RNN(cells)(tf.ones((2, 5, 6))).shape
TensorShape([2, 3])
"""
import tapeflow as tf

from .... import nest
from ..layer import Layer
from .cell_utils import zero_states
from ...saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["StackedRNNCells"]


def _accepts_training(cell):
    import inspect
    try:
        return "training" in inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False


class StackedRNNCells(Layer):
    """Wrapper running a list of cells in sequence at every time step."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(f"All cells must have a `call` method. Received cell without "
                                 f"a `call` method: {cell}")
            if not hasattr(cell, "state_size"):
                raise ValueError("All cells must have a `state_size` attribute. Received "
                                 f"cell without a `state_size`: {cell}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is not None:
            return size
        return nest.flatten(last.state_size)[0]

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        out = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            states = fn(inputs=inputs, batch_size=batch_size, dtype=dtype) if fn else \
                zero_states(cell.state_size, inputs, batch_size, dtype)
            out.append(states if nest.is_nested(states) else [states])
        return tuple(out)

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape)
        for cell in self.cells:
            if not cell.built:
                cell.build(shape)
                object.__setattr__(cell, "built", True)
            size = getattr(cell, "output_size", None)
            if size is None:
                size = nest.flatten(cell.state_size)[0]
            dims = size.as_list() if isinstance(size, tf.TensorShape) else [int(size)]
            shape = tf.TensorShape([shape[0]] + dims)
        self.built = True

    def call(self, inputs, states, constants=None, training=None, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            kw = {"training": training} if _accepts_training(cell) else {}
            inputs, out_states = cell.call(inputs, cell_states, **kw)
            new_states.append(out_states if nest.is_nested(out_states) else [out_states])
        return inputs, tuple(new_states)

    def get_config(self):
        return {**super().get_config(),
                "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
