"""Short batches ride the full batch's program: pad rows up, cut the outputs back.

`predict` pads the last (short) batch of an epoch up to the epoch's full batch
size, so every length of input runs through one compiled program instead of one
per remainder length. Padding repeats the batch's last row (never zeros, which
could make a row of NaNs in a normalizing layer); inference treats rows
independently, so the first `n` output rows are the unpadded results.

>>> import numpy as np
>>> padded, n = pad_rows((np.arange(3.0),), 4)
>>> padded[0].tolist(), n
([0.0, 1.0, 2.0, 2.0], 3)
>>> cut_rows(padded, n, 4)[0].tolist()
[0.0, 1.0, 2.0]
"""
import numpy as np

import tapeflow as tf

from ... import nest
from ...ragged import bucketing

__all__ = ["pad_rows", "cut_rows", "rows"]


def _rows(v):
    shape = getattr(v, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else None


def rows(batch):
    """The common row count of a batch's array leaves, or None."""
    counts = {_rows(v) for v in nest.flatten(batch) if v is not None}
    return counts.pop() if len(counts) == 1 else None


def pad_rows(batch, size):
    """(batch with every leaf padded to `size` rows, real row count), or None.

    None when the batch can't be padded: a leaf that is not an array, leaves of
    different row counts, or a batch already `size` rows or longer.
    """
    leaves = [v for v in nest.flatten(batch) if v is not None]
    if not leaves or not all(isinstance(v, (np.ndarray, tf.Tensor)) or _ragged(v)
                             for v in leaves):
        return None
    counts = {_rows(v) for v in leaves}
    if len(counts) != 1 or None in counts:
        return None
    n = counts.pop()
    if n == 0 or n >= size:
        return None

    def pad(v):
        if v is None:
            return None
        if _ragged(v):
            return bucketing.pad_rows(v, size)
        a = v.numpy() if isinstance(v, tf.Tensor) else v
        return np.concatenate([a, np.repeat(a[-1:], size - n, axis=0)])
    return nest.map_structure(pad, batch), n


def cut_rows(outputs, n, size):
    """The first `n` rows of every output leaf, or None if a leaf isn't `size` rows."""
    leaves = nest.flatten(outputs)
    if not leaves or any(_rows(v) != size for v in leaves):
        return None
    # NumPy slicing: an eager tensor slice would compile a program per length
    return nest.map_structure(lambda v: bucketing.first_rows(v, n) if _ragged(v) else
                              np.asarray(v)[:n], outputs)


def _ragged(v):
    """A RaggedTensor batch leaf with one ragged dimension (padded on the host)."""
    return isinstance(v, tf.RaggedTensor) and v.ragged_rank == 1
