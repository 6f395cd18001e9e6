"""Reuters newswires: word-index sequences and 46 topic labels."""
import numpy as np

from ._common import ORIGIN, fetch, shuffled
from ._sequences import process, to_object_array, word_index

__all__ = ["load_data", "get_word_index"]

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """((x_train, y_train), (x_test, y_test)), split after a seeded shuffle."""
    p = fetch(path, ORIGIN + "reuters.npz", FILE_HASH)
    with np.load(p, allow_pickle=True) as f:
        xs, labels = f["x"], f["y"]
    xs, labels = shuffled(seed, xs, labels)
    xs, labels = process(list(xs), num_words, skip_top, maxlen, start_char, oov_char,
                         index_from, labels)
    idx = int(len(xs) * (1 - test_split))
    return ((to_object_array(xs[:idx]), labels[:idx]),
            (to_object_array(xs[idx:]), labels[idx:]))


def get_word_index(path="reuters_word_index.json"):
    """Dict word -> index."""
    return word_index(path, WORD_INDEX_HASH)
