"""GRUCell: update gate z, reset gate r, candidate h~ (kernel columns in that order).

With `reset_after=True` (TF 2's default, cuDNN-compatible) the reset gate
multiplies the recurrent projection and the bias has shape `(2, 3 * units)`
(input bias, recurrent bias); otherwise it multiplies the state before the
projection and the bias is `(3 * units,)`.

>>> from tapeflow import keras
>>> cell = keras.layers.GRUCell(4)
>>> cell.build((None, 3))
>>> [tuple(w.shape) for w in cell.weights]
[(3, 12), (4, 12), (2, 12)]
"""
import tapeflow as tf

from ... import activations
from .base_cell import GatedCell

__all__ = ["GRUCell"]


class GRUCell(GatedCell):
    """`h_t = z * h_{t-1} + (1 - z) * h~`; state `[h]`, output `h`."""

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None,
                 implementation=2, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, implementation, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias[0] if self.reset_after else tf.convert_to_tensor(self.bias)

    def _recurrent_weights(self):
        if self.reset_after and self.bias is not None:
            return [self.recurrent_kernel, self.bias]
        return [self.recurrent_kernel]

    def _recur(self, projected, states, training=None):
        single = not isinstance(states, (list, tuple))
        h_prev = states if single else states[0]
        u = self.units
        uk = tf.convert_to_tensor(self.recurrent_kernel)
        hz, hr, hh = self._recurrent_inputs(h_prev, training)
        xz, xr, xh = projected[..., :u], projected[..., u:2 * u], projected[..., 2 * u:]
        if self.reset_after:
            if hz is hr and hr is hh:
                rec = tf.matmul(hz, uk)
            else:
                rec = tf.concat([tf.matmul(hz, uk[:, :u]), tf.matmul(hr, uk[:, u:2 * u]),
                                 tf.matmul(hh, uk[:, 2 * u:])], -1)
            if self.bias is not None:
                rec = rec + self.bias[1]
            z = self.recurrent_activation(xz + rec[..., :u])
            r = self.recurrent_activation(xr + rec[..., u:2 * u])
            cand = self.activation(xh + r * rec[..., 2 * u:])
        else:
            if hz is hr:
                rec = tf.matmul(hz, uk[:, :2 * u])
            else:
                rec = tf.concat([tf.matmul(hz, uk[:, :u]), tf.matmul(hr, uk[:, u:2 * u])], -1)
            z = self.recurrent_activation(xz + rec[..., :u])
            r = self.recurrent_activation(xr + rec[..., u:])
            cand = self.activation(xh + tf.matmul(r * hh, uk[:, 2 * u:]))
        h = z * h_prev + (1 - z) * cand
        return h, (h if single else [h])

    def get_config(self):
        return {**super().get_config(), "recurrent_activation":
                activations.serialize(self.recurrent_activation), "reset_after": self.reset_after,
                "implementation": self.implementation}

