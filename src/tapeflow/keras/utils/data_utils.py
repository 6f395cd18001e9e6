"""keras.utils data helpers: to_categorical, normalize, pad_sequences,
set_random_seed, get_file, Sequence/PyDataset, and (from dataset_utils)
timeseries/image/text dataset builders and split_dataset.

>>> to_categorical([0, 2], num_classes=3).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""
import random as _pyrandom

import numpy as np

from .dataset_utils import *  # noqa: F401,F403
from .dataset_utils import __all__ as _ds_all
from .file_utils import get_file
from .sequence_utils import *  # noqa: F401,F403
from .sequence_utils import __all__ as _seq_all
from ... import random as tf_random

__all__ = ["to_categorical", "normalize", "pad_sequences", "set_random_seed",
           "get_file"] + _ds_all + _seq_all


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encodes integer class labels (a trailing dim of 1 is dropped).

    >>> to_categorical([[1], [0]]).shape
    (2, 2)
    """
    y = np.array(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(y)) + 1 if y.size else 0
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Scales `x` to unit `order`-norm along `axis` (zero vectors stay zero).

    >>> normalize([[3.0, 4.0]]).tolist()
    [[0.6, 0.8]]
    """
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads/truncates sequences to a common length into one array.

    >>> pad_sequences([[1], [2, 3, 4]], maxlen=2).tolist()
    [[0, 1], [3, 4]]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths, sample_shape = [], ()
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             f"{x!r}") from e
        if len(x) and not sample_shape:
            sample_shape = np.asarray(x).shape[1:]
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    is_str = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         "strings.")
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        trunc = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {i} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            out[i, :len(trunc)] = trunc
        else:
            out[i, -len(trunc):] = trunc
    return out


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy and `tapeflow.random` (when it has `set_seed`)."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} "
                         f"(of type {type(seed)})")
    _pyrandom.seed(seed)
    np.random.seed(int(seed) % 2**32)
    set_seed = getattr(tf_random, "set_seed", None)
    if set_seed is not None:
        set_seed(int(seed))
