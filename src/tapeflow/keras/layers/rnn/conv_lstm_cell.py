"""ConvLSTMCell: an LSTM cell whose input and recurrent transforms are convolutions.

Kernel `kernel_size + (in_channels, 4 * filters)`, recurrent kernel
`kernel_size + (filters, 4 * filters)`, gate order i, f, c, o as LSTMCell.
The input convolution uses the layer's strides/padding/dilation; the
recurrent one is stride 1 'same'. States `[h, c]` are `(batch, *spatial_out,
filters)`. Like the other built-in cells it splits into `_project` (the input
convolution, run for all time steps at once) and `_recur`.

>>> import tapeflow as tf
>>> cell = ConvLSTMCell(2, 4, 3, padding="same")
>>> cell.build((None, 5, 5, 1))
>>> [tuple(w.shape) for w in cell.weights]
[(3, 3, 1, 16), (3, 3, 4, 16), (16,)]
"""
import tapeflow as tf

from ..convolutional.conv_utils import (conv_output_length, normalize_data_format,
                                        normalize_padding, normalize_tuple)
from .lstm_cell import LSTMCell

__all__ = ["ConvLSTMCell"]


class ConvLSTMCell(LSTMCell):
    """Cell of ConvLSTM1D/2D/3D (`rank` spatial dimensions)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation="tanh",
                 recurrent_activation="hard_sigmoid", **kwargs):
        super().__init__(filters, activation=activation,
                         recurrent_activation=recurrent_activation, **kwargs)
        self.rank = rank
        self.filters = self.units
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        self._mask_count = 4
        self._spatial_out = None

    # -- shapes ---------------------------------------------------------------
    def _to_format(self, x):
        if self.data_format == "channels_last":
            return x
        r = x.shape.rank
        return tf.transpose(x, [0, r - 1] + list(range(1, r - 1)))

    @property
    def state_size(self):
        if self._spatial_out is None:
            return [self.filters, self.filters]
        shape = tf.TensorShape(self._state_dims())
        return [shape, shape]

    @property
    def output_size(self):
        return None if self._spatial_out is None else tf.TensorShape(self._state_dims())

    def _state_dims(self):
        if self.data_format == "channels_last":
            return list(self._spatial_out) + [self.filters]
        return [self.filters] + list(self._spatial_out)

    def _recurrent_mask_shape(self, inputs):
        return [inputs.shape[0]] + self._state_dims()

    def build(self, input_shape):
        dims = tf.TensorShape(input_shape).as_list()
        if len(dims) != self.rank + 2:
            raise ValueError(f"ConvLSTMCell '{self.name}' expects step inputs of rank "
                             f"{self.rank + 2}; received input_shape={tuple(dims)}")
        if self.data_format == "channels_last":
            spatial, channels = dims[1:-1], dims[-1]
        else:
            spatial, channels = dims[2:], dims[1]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs to '{self.name}' should "
                             f"be defined. Found None in input_shape={tuple(dims)}")
        self._spatial_out = [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                             zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        cols = 4 * self.filters
        self.kernel = self.add_weight("kernel", shape=self.kernel_size + (channels, cols),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", shape=self.kernel_size + (self.filters, cols),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(cols,),
                                        initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        shape = [batch_size] + self._state_dims()
        return [tf.zeros(shape, dtype or self.dtype), tf.zeros(shape, dtype or self.dtype)]

    # -- the step -------------------------------------------------------------
    def _conv(self, x, kernel, strides, padding, dilation):
        """Convolution of channels-last `x` of any leading dims (time folded into batch)."""
        lead = x.shape.as_list()[:-(self.rank + 1)]
        flat = tf.reshape(x, [-1] + x.shape.as_list()[-(self.rank + 1):])
        out = tf.nn.convolution(flat, kernel, strides=list(strides), padding=padding.upper(),
                                dilations=list(dilation))
        return tf.reshape(out, lead + out.shape.as_list()[1:])

    def _project(self, inputs, training=None):
        x = self._to_last(inputs)
        kernel = tf.convert_to_tensor(self.kernel)
        masks = self._masks(0, training)
        args = (self.strides, self.padding, self.dilation_rate)
        if masks is None:
            out = self._conv(x, kernel, *args)
        else:
            f = self.filters
            masks = [self._to_last(m) for m in masks]
            out = tf.concat([self._conv(x * m, kernel[..., k * f:(k + 1) * f], *args)
                             for k, m in enumerate(masks)], -1)
        return out if self.bias is None else out + self.bias

    def _to_last(self, x):
        """Channels-first tensors (any leading dims) moved to channels-last."""
        if self.data_format == "channels_last":
            return x
        r = x.shape.rank
        lead = r - self.rank - 1
        return tf.transpose(x, list(range(lead)) + list(range(lead + 1, r)) + [lead])

    def _recur(self, projected, states, training=None):
        h_prev, c_prev = (self._to_last(s) for s in (states[0], states[1]))
        f = self.filters
        uk = tf.convert_to_tensor(self.recurrent_kernel)
        hs = [self._to_last(h) for h in self._recurrent_inputs(states[0], training)]
        one = (1,) * self.rank
        if all(h is hs[0] for h in hs):
            z = projected + self._conv(hs[0], uk, one, "same", one)
        else:
            z = projected + tf.concat([self._conv(h, uk[..., k * f:(k + 1) * f], one, "same",
                                                  one) for k, h in enumerate(hs)], -1)
        i = self.recurrent_activation(z[..., :f])
        fg = self.recurrent_activation(z[..., f:2 * f])
        c = fg * c_prev + i * self.activation(z[..., 2 * f:3 * f])
        o = self.recurrent_activation(z[..., 3 * f:])
        h = o * self.activation(c)
        h, c = self._to_format(h), self._to_format(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.pop("units", None)
        return {**config, "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate}
