"""SimpleRNN: a fully connected RNN whose output is fed back as the next step's state.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.SimpleRNN(4)(tf.ones((2, 10, 8))).shape
TensorShape([2, 4])
"""
from .cell_layer import CellLayer
from .simple_rnn_cell import SimpleRNNCell

__all__ = ["SimpleRNN"]


class SimpleRNN(CellLayer):
    """`keras.layers.SimpleRNN(units, activation="tanh", ..., return_sequences=False, ...)`."""

    cell_class = SimpleRNNCell
