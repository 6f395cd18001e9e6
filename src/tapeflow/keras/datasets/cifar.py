"""Shared CIFAR batch reader (Python-pickled batches in the official tarballs)."""
import os
import pickle

import numpy as np

__all__ = ["load_batch", "to_channels_last"]


def load_batch(fpath, label_key="labels"):
    """(data uint8 (n, 3, 32, 32), labels list) from one pickled CIFAR batch."""
    with open(fpath, "rb") as f:
        d = pickle.load(f, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return data, d[label_key]


def to_channels_last(x):
    return x.transpose(0, 2, 3, 1)


def folder(path, name):
    return path if os.path.basename(path) == name else os.path.join(path, name)
