"""LocallyConnected2D: 2-D convolution-like layer with unshared weights ('valid' padding)."""
from .base_locally_connected import LocallyConnected

__all__ = ["LocallyConnected2D"]


class LocallyConnected2D(LocallyConnected):
    """(batch, rows, cols, channels) -> (batch, new_rows, new_cols, filters); one filter per output pixel.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.LocallyConnected2D(2, (2, 3), strides=2)(tf.ones((1, 6, 7, 1))).shape
    TensorShape([1, 3, 3, 2])
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
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
