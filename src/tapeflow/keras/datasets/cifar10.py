"""CIFAR-10: 50000/10000 uint8 32x32x3 images (channels last), labels (n, 1) uint8."""
import os

import numpy as np

from ._common import fetch
from .cifar import folder, load_batch, to_channels_last

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """((x_train, y_train), (x_test, y_test)) as Keras returns them."""
    path = folder(fetch("cifar-10-batches-py", ORIGIN, FILE_HASH, untar=True),
                  "cifar-10-batches-py")
    xs, ys = [], []
    for i in range(1, 6):
        x, y = load_batch(os.path.join(path, f"data_batch_{i}"))
        xs.append(x)
        ys.extend(y)
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.asarray(ys, dtype=np.uint8).reshape(-1, 1)
    y_test = np.asarray(y_test, dtype=np.uint8).reshape(-1, 1)
    return (to_channels_last(np.concatenate(xs)), y_train), (to_channels_last(x_test), y_test)
