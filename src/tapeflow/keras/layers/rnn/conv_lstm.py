"""ConvLSTM: the base of ConvLSTM1D/2D/3D, an RNN over a ConvLSTMCell.

Inputs are `(batch, time, *spatial, channels)` (channels_last) or
`(batch, time, channels, *spatial)`; outputs `(batch, [time,] *spatial_out,
filters)`. The input convolution runs once over all time steps, the
recurrent convolution inside the single recurrence op.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.ConvLSTM2D(2, 3, padding="same")(tf.ones((1, 4, 6, 6, 1))).shape
TensorShape([1, 6, 6, 2])
"""
from ..input_spec import InputSpec
from .cell_layer import CellLayer
from .conv_lstm_cell import ConvLSTMCell

__all__ = ["ConvLSTM"]

_CONV_ATTRS = frozenset(("filters", "kernel_size", "strides", "padding", "data_format",
                         "dilation_rate"))


class ConvLSTM(CellLayer):
    """`ConvLSTM{rank}D(filters, kernel_size, strides=1, padding="valid", ...)`."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="hard_sigmoid",
                 **kwargs):
        rank = self.rank
        self.cell_class = lambda units, **kw: ConvLSTMCell(
            rank, units, kernel_size, strides, padding, data_format, dilation_rate,
            activation=activation, recurrent_activation=recurrent_activation, **kw)
        self.cell_class.__name__ = "ConvLSTMCell"
        super().__init__(filters, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if name in _CONV_ATTRS and cell is not None:
            return getattr(cell, name)
        return super().__getattr__(name)

    def get_config(self):
        config = super().get_config()
        config.pop("units", None)
        config.pop("implementation", None)
        return config
