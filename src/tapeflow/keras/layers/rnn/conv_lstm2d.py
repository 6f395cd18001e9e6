"""ConvLSTM2D: a convolutional LSTM over 2-D spatial inputs (see conv_lstm.py).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
>>> layer(tf.ones((1, 3) + (4,) * 2 + (1,))).shape.as_list()
[1, 3, 4, 4, 2]
"""
from .conv_lstm import ConvLSTM

__all__ = ["ConvLSTM2D"]


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM layer."""

    rank = 2
