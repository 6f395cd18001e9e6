"""IMDB reviews: sequences of word indices (object arrays of lists), labels 0/1."""
import numpy as np

from ._common import ORIGIN, fetch, shuffled
from ._sequences import process, to_object_array, word_index

__all__ = ["load_data", "get_word_index"]

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) with Keras's index conventions."""
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
    p = fetch(path, ORIGIN + "imdb.npz", FILE_HASH)
    with np.load(p, allow_pickle=True) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    x_train, y_train = shuffled(seed, x_train, y_train)
    x_test, y_test = shuffled(seed * 2, x_test, y_test)
    xs = list(x_train) + list(x_test)
    labels = np.concatenate([y_train, y_test])
    xs, labels = process(xs, num_words, skip_top, maxlen, start_char, oov_char, index_from,
                         labels)
    n_train = len(x_train)
    if maxlen:  # the split point moves with the filtered training part
        n_train = sum(1 for x in x_train if len(x) + (start_char is not None) < maxlen)
    return ((to_object_array(xs[:n_train]), labels[:n_train]),
            (to_object_array(xs[n_train:]), labels[n_train:]))


def get_word_index(path="imdb_word_index.json"):
    """Dict word -> index (add `index_from` to match load_data's indices)."""
    return word_index(path, WORD_INDEX_HASH)
