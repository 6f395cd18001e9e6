"""AbstractRNNCell: base class for user-written cells (state_size, output_size, call).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> class Accumulate(keras.layers.AbstractRNNCell):
...     @property
...     def state_size(self):
...         return 1
...     def call(self, inputs, states):
...         s = states[0] + tf.reduce_sum(inputs, -1, keepdims=True)
...         return s, [s]
>>> keras.layers.RNN(Accumulate())(tf.ones((2, 3, 4))).numpy()
array([[12.],
       [12.]], dtype=float32)
"""
from ..layer import Layer
from .cell_utils import zero_states

__all__ = ["AbstractRNNCell"]


class AbstractRNNCell(Layer):
    """A cell: `call(inputs, states) -> (output, new_states)`; subclasses give the sizes."""

    def call(self, inputs, states):
        raise NotImplementedError(f"{type(self).__name__} must implement `call`.")

    @property
    def state_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define `state_size`.")

    @property
    def output_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define `output_size`.")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zero states shaped by `state_size`."""
        return zero_states(self.state_size, inputs, batch_size, dtype or self.dtype)
