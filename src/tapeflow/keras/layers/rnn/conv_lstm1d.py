"""ConvLSTM1D: a convolutional LSTM over 1-D spatial inputs (see conv_lstm.py).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True)
>>> layer(tf.ones((1, 3) + (4,) * 1 + (1,))).shape.as_list()
[1, 3, 4, 2]
"""
from .conv_lstm import ConvLSTM

__all__ = ["ConvLSTM1D"]


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM layer."""

    rank = 1
