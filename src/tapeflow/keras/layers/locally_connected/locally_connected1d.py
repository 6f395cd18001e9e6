"""LocallyConnected1D: 1-D convolution-like layer with unshared weights ('valid' padding)."""
from .base_locally_connected import LocallyConnected

__all__ = ["LocallyConnected1D"]


class LocallyConnected1D(LocallyConnected):
    """(batch, steps, channels) -> (batch, new_steps, filters); one filter per output step.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.LocallyConnected1D(3, 2)(tf.ones((2, 5, 4))).shape
    TensorShape([2, 4, 3])
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         implementation=implementation, **kwargs)
