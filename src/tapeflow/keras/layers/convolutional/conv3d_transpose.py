"""Conv3DTranspose: 3-D transposed convolution (alias Convolution3DTranspose)."""
from .base_conv_transpose import ConvTranspose

__all__ = ["Conv3DTranspose", "Convolution3DTranspose"]


class Conv3DTranspose(ConvTranspose):
    """3-D transposed convolution; kernel shape `kernel_size + (filters, in_channels)`.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.Conv3DTranspose(2, 3, output_padding=1, strides=2)(tf.ones((1, 2, 2, 2, 1))).shape
    TensorShape([1, 6, 6, 6, 2])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


Convolution3DTranspose = Conv3DTranspose
