"""SimpleRNNCell: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> cell = keras.layers.SimpleRNNCell(2, kernel_initializer="ones",
...                                   recurrent_initializer="zeros", activation=None)
>>> out, [h] = cell(tf.ones((1, 3)), [tf.zeros((1, 2))])
>>> out.numpy()
array([[3., 3.]], dtype=float32)
"""
import tapeflow as tf

from .base_cell import GatedCell

__all__ = ["SimpleRNNCell"]


class SimpleRNNCell(GatedCell):
    """The fully connected recurrent cell; state `[h]`, output `h`."""

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation, None, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer,
                         recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
                         seed, **kwargs)

    def _recur(self, projected, states, training=None):
        single = not isinstance(states, (list, tuple))
        prev = states if single else states[0]
        (h,) = self._recurrent_inputs(prev, training)
        out = self.activation(projected + tf.matmul(h, self.recurrent_kernel))
        return out, (out if single else [out])
