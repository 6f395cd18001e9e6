"""MNIST digits: `load_data()` (Keras's mnist.npz) and `load_vendored()`
(the 10k-image MNIST test set shipped in `_data/`, CC BY-SA 3.0).

>>> (x, y), (xt, yt) = load_vendored()
>>> x.shape, x.dtype, xt.shape
((8000, 28, 28), dtype('uint8'), (2000, 28, 28))
"""
import os

import numpy as np

from ._common import ORIGIN, fetch, read_idx

__all__ = ["load_data", "load_vendored", "load_data_or_vendored"]

FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
_DATA = os.path.join(os.path.dirname(__file__), "_data")


def load_data(path="mnist.npz"):
    """((x_train, y_train), (x_test, y_test)): uint8 (60000, 28, 28)/(60000,), 10000 test."""
    path = fetch(path, ORIGIN + "mnist.npz", FILE_HASH)
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def load_vendored(num_train=8000):
    """The shipped 10k MNIST test images split into (train, test) = (8000, 2000)."""
    x = read_idx(os.path.join(_DATA, "t10k-images-idx3-ubyte.gz"), 16, (28, 28))
    y = read_idx(os.path.join(_DATA, "t10k-labels-idx1-ubyte.gz"), 8)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def load_data_or_vendored():
    """(data, source): the full MNIST when cached/downloadable, else the shipped sample.

    `source` is "keras.datasets.mnist" or "vendored MNIST test set (10k)".
    """
    try:
        return load_data(), "keras.datasets.mnist"
    except (OSError, ValueError):
        return load_vendored(), "vendored MNIST test set (10k)"
