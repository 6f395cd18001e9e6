"""Conv1D: 1-D convolution over (batch, steps, channels) inputs (alias Convolution1D)."""
from .base_conv import Conv

__all__ = ["Conv1D", "Convolution1D"]


class Conv1D(Conv):
    """1-D convolution; kernel shape `kernel_size + (in_channels // groups, filters)`.
    'causal' left-pads the steps so output[t] sees only inputs[:t + 1].

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv1D(2, 3, padding="causal")(tf.ones((1, 5, 4))).shape
    TensorShape([1, 5, 2])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last",
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


Convolution1D = Conv1D
