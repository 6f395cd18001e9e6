"""CellLayer: the shared shape of SimpleRNN, GRU and LSTM (an RNN owning one built-in cell).

The layer's constructor arguments split into the cell's (units, activations,
weights, dropout) and the RNN's (return_sequences, stateful, ...); the cell's
attributes are readable on the layer (`layer.units`, `layer.kernel`...), and
the config is the two merged, as in tf.keras.

>>> from tapeflow import keras
>>> keras.layers.GRU(3).units
3
"""
from ... import backend
from ..input_spec import InputSpec
from .rnn import RNN

__all__ = ["CellLayer"]

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "time_major", "zero_output_for_mask")
_LAYER_ARGS = ("name", "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size",
               "input_dim", "input_length", "activity_regularizer", "weights", "dynamic",
               "autocast")
_CELL_ATTRS = frozenset((
    "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
    "dropout", "recurrent_dropout", "unit_forget_bias", "reset_after", "implementation",
    "kernel", "recurrent_kernel", "bias", "seed"))


class CellLayer(RNN):
    """An RNN whose cell class is `cell_class`, built from the layer's own arguments."""

    cell_class = None

    def __init__(self, units, **kwargs):
        rnn_kw = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        layer_kw = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        kwargs.pop("use_cudnn", None)  # Keras 3's switch; XLA picks its own kernels
        cell = self.cell_class(units, name=backend.to_snake_case(self.cell_class.__name__),
                               dtype=layer_kw.get("dtype"), **kwargs)
        super().__init__(cell, **rnn_kw, **layer_kw)
        self.input_spec = InputSpec(ndim=3)

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if name in _CELL_ATTRS and cell is not None:
            return getattr(cell, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        config = super().get_config()
        cell_config = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell_config.pop(k, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
