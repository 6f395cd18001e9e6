"""Conv3D: 3-D convolution over (batch, depth, rows, cols, channels) inputs (alias Convolution3D)."""
from .base_conv import Conv

__all__ = ["Conv3D", "Convolution3D"]


class Conv3D(Conv):
    """3-D convolution; kernel shape `kernel_size + (in_channels // groups, filters)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv3D(2, 3)(tf.ones((1, 4, 5, 6, 1))).shape
    TensorShape([1, 2, 3, 4, 2])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


Convolution3D = Conv3D
