"""Shared helpers for the keras.datasets loaders."""
import gzip

import numpy as np

from ..utils.file_utils import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

__all__ = ["fetch", "read_idx", "shuffled", "ORIGIN"]


def fetch(path, origin, file_hash=None, **kwargs):
    """get_file under `$KERAS_HOME/datasets` (errors name the file, folder and hash)."""
    return get_file(path, origin=origin, file_hash=file_hash, **kwargs)


def read_idx(path, offset, shape=None):
    """An (optionally gzipped) IDX file's payload as uint8."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        a = np.frombuffer(f.read(), np.uint8, offset=offset)
    return a if shape is None else a.reshape((-1,) + tuple(shape))


def shuffled(seed, *arrays):
    """Arrays permuted together with `np.random.RandomState(seed)` (Keras's order)."""
    idx = np.arange(len(arrays[0]))
    np.random.RandomState(seed).shuffle(idx)
    return [a[idx] for a in arrays]
