"""ConvLSTM3D: a convolutional LSTM over 3-D spatial inputs (see conv_lstm.py).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.ConvLSTM3D(2, 3, padding="same", return_sequences=True)
>>> layer(tf.ones((1, 3) + (4,) * 3 + (1,))).shape.as_list()
[1, 3, 4, 4, 4, 2]
"""
from .conv_lstm import ConvLSTM

__all__ = ["ConvLSTM3D"]


class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM layer."""

    rank = 3
