"""LSTMCell: gates i, f, c, o (kernel columns in that order); states `[h, c]`.

`unit_forget_bias=True` initializes the forget gate's bias to ones.

>>> from tapeflow import keras
>>> cell = keras.layers.LSTMCell(2)
>>> cell.build((None, 3))
>>> cell.bias.numpy()
array([0., 0., 1., 1., 0., 0., 0., 0.], dtype=float32)
"""
import tapeflow as tf

from ... import activations, initializers
from .base_cell import GatedCell

__all__ = ["LSTMCell"]


class _ForgetBias(initializers.Initializer):
    """The bias initializer with the forget block set to ones."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None, **kwargs):
        u = self.units
        return tf.concat([self.base((u,), dtype=dtype), tf.ones((u,), dtype=dtype),
                          self.base((2 * u,), dtype=dtype)], 0)


class LSTMCell(GatedCell):
    """`c_t = f * c_{t-1} + i * act(z_c)`, `h_t = o * act(c_t)`; output `h_t`."""

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 implementation=2, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, implementation, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _ForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def _recur(self, projected, states, training=None):
        h_prev, c_prev = states[0], states[1]
        u = self.units
        uk = tf.convert_to_tensor(self.recurrent_kernel)
        hs = self._recurrent_inputs(h_prev, training)
        if all(h is hs[0] for h in hs):
            z = projected + tf.matmul(hs[0], uk)
        else:
            z = projected + tf.concat([tf.matmul(h, uk[:, k * u:(k + 1) * u])
                                       for k, h in enumerate(hs)], -1)
        i = self.recurrent_activation(z[..., :u])
        f = self.recurrent_activation(z[..., u:2 * u])
        c = f * c_prev + i * self.activation(z[..., 2 * u:3 * u])
        o = self.recurrent_activation(z[..., 3 * u:])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias,
                "implementation": self.implementation}
