"""LSTM: the long short-term memory layer (Hochreiter & Schmidhuber 1997).

Weights as tf.keras: kernel `(features, 4 * units)` and recurrent_kernel
`(units, 4 * units)` with gate columns i, f, c, o; bias `(4 * units,)`.
`return_state=True` returns `[output, h, c]`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> out, h, c = keras.layers.LSTM(4, return_state=True)(tf.ones((2, 10, 8)))
>>> out.shape, c.shape
(TensorShape([2, 4]), TensorShape([2, 4]))
"""
from .cell_layer import CellLayer
from .lstm_cell import LSTMCell

__all__ = ["LSTM"]


class LSTM(CellLayer):
    """`keras.layers.LSTM(units, activation="tanh", recurrent_activation="sigmoid", ...)`."""

    cell_class = LSTMCell
