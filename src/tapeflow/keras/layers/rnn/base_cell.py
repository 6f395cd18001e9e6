"""GatedCell: what SimpleRNNCell, GRUCell and LSTMCell share.

A built-in cell splits its step in two so that its RNN layer can run the
input half for the whole sequence at once, outside the recurrence:

- `_project(inputs, training)`: `(inputs * dropout_mask) @ kernel + bias`, for
  inputs of any rank (one step `(batch, features)` or a whole sequence);
- `_recur(projected, states, training)`: the recurrent half of one step.

`call(inputs, states)` is `_recur(_project(inputs))`, so a cell used on its own
or inside `keras.layers.RNN` computes exactly what the fast path computes.

>>> from tapeflow import keras
>>> cell = keras.layers.LSTMCell(3)
>>> cell.build((None, 2))
>>> [tuple(w.shape) for w in cell.weights]
[(2, 12), (3, 12), (12,)]
"""
import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ..layer import Layer
from .cell_utils import check_units, dense_projection, zero_states
from .dropout_rnn_cell import DropoutRNNCellMixin

__all__ = ["GatedCell"]

_SER = {"initializer": initializers.serialize, "regularizer": regularizers.serialize,
        "constraint": constraints.serialize}
_GET = {"initializer": initializers.get, "regularizer": regularizers.get,
        "constraint": constraints.get}
_WEIGHTS = ("kernel", "recurrent", "bias")


class GatedCell(DropoutRNNCellMixin, Layer):
    """Units, activations, the three weights' initializers/regularizers/constraints, dropout."""

    gates = 1  # blocks of `units` columns in the kernels

    def __init__(self, units, activation="tanh", recurrent_activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, implementation=2, **kwargs):
        super().__init__(**kwargs)
        self.units = check_units(units, self.name)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        given = {"kernel": (kernel_initializer, kernel_regularizer, kernel_constraint),
                 "recurrent": (recurrent_initializer, recurrent_regularizer,
                               recurrent_constraint),
                 "bias": (bias_initializer, bias_regularizer, bias_constraint)}
        for w in _WEIGHTS:
            for kind, value in zip(("initializer", "regularizer", "constraint"), given[w]):
                setattr(self, f"{w}_{kind}", _GET[kind](value))
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.implementation = implementation
        self._mask_count = self.gates if implementation == 1 else 1

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    # -- weights -------------------------------------------------------------
    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        dim = tf.TensorShape(input_shape)[-1]
        if dim is None:
            raise ValueError(f"The last dimension of the inputs to {type(self).__name__} "
                             f"'{self.name}' should be defined. Received: "
                             f"input_shape={input_shape}")
        cols = self.gates * self.units
        self._input_dim = int(dim)
        self.kernel = self.add_weight("kernel", shape=(dim, cols),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", shape=(self.units, cols),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=self._bias_shape(),
                                        initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    # -- the step --------------------------------------------------------------
    def _input_bias(self):
        return self.bias

    def _masks(self, i, training):
        if not training:
            return None
        m = self._mask_state()[i]
        if m is None:
            return None
        return m if isinstance(m, list) else [m] * self.gates

    def _project(self, inputs, training=None):
        """`(inputs * mask) @ kernel + input bias` over the last axis (any leading dims)."""
        kernel, bias = tf.convert_to_tensor(self.kernel), self._input_bias()
        masks = self._masks(0, training)
        if masks is None or self._mask_count == 1:
            x = inputs if masks is None else inputs * masks[0]
            return dense_projection(x, kernel, bias)
        u = self.units
        parts = [dense_projection(inputs * m, kernel[:, k * u:(k + 1) * u])
                 for k, m in enumerate(masks)]
        out = tf.concat(parts, -1)
        return out if bias is None else out + bias

    def _recurrent_weights(self):
        """The weights `_recur` reads (bound to the recurrence's parameters)."""
        return [self.recurrent_kernel]

    def _recurrent_inputs(self, h, training):
        """`h` with the recurrent dropout mask of each gate applied (one entry per gate)."""
        masks = self._masks(1, training)
        if masks is None:
            return [h] * self.gates
        return [h * m for m in masks]

    def call(self, inputs, states, training=None):
        self.get_dropout_mask_for_cell(inputs, training, self._mask_count)
        self.get_recurrent_dropout_mask_for_cell(inputs, training, self._mask_count)
        return self._recur(self._project(inputs, training), states, training)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return zero_states(self.state_size, inputs, batch_size, dtype or self.dtype)

    def get_config(self):
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias}
        for w in _WEIGHTS:
            for kind in ("initializer", "regularizer", "constraint"):
                config[f"{w}_{kind}"] = _SER[kind](getattr(self, f"{w}_{kind}"))
        config.update({"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                       "seed": self.seed})
        return {**super().get_config(), **config}
