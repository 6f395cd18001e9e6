"""GRU: the gated recurrent unit layer (Cho et al. 2014), `reset_after=True` by default.

Weights as tf.keras: kernel `(features, 3 * units)` and recurrent_kernel
`(units, 3 * units)` with gate columns z, r, h; bias `(2, 3 * units)` when
`reset_after` (input and recurrent biases), else `(3 * units,)`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> out, state = keras.layers.GRU(4, return_state=True)(tf.ones((2, 10, 8)))
>>> out.shape, state.shape
(TensorShape([2, 4]), TensorShape([2, 4]))
"""
from .cell_layer import CellLayer
from .gru_cell import GRUCell

__all__ = ["GRU"]


class GRU(CellLayer):
    """`keras.layers.GRU(units, activation="tanh", recurrent_activation="sigmoid", ...)`."""

    cell_class = GRUCell
