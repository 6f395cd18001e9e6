"""CIFAR-100: 50000/10000 uint8 32x32x3 images, fine (100) or coarse (20) labels (n, 1)."""
import os

import numpy as np

from ._common import fetch
from .cifar import folder, load_batch, to_channels_last

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """((x_train, y_train), (x_test, y_test)); `label_mode` is "fine" or "coarse"."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = folder(fetch("cifar-100-python", ORIGIN, FILE_HASH, untar=True), "cifar-100-python")
    key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), key)
    x_test, y_test = load_batch(os.path.join(path, "test"), key)
    y_train = np.reshape(np.asarray(y_train), (-1, 1))
    y_test = np.reshape(np.asarray(y_test), (-1, 1))
    return (to_channels_last(x_train), y_train), (to_channels_last(x_test), y_test)
