"""Word-index sequence processing shared by imdb and reuters."""
import json

import numpy as np

from ._common import ORIGIN, fetch

__all__ = ["process", "word_index"]


def process(xs, num_words, skip_top, maxlen, start_char, oov_char, index_from, labels=None):
    """Keras's transformation: shift indices, add start_char, cut long, map rare to oov."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    else:
        xs = [list(x) for x in xs]
    if maxlen:
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs = [xs[i] for i in keep]
        labels = labels[keep] if labels is not None else None
        if not xs:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    if not num_words:
        num_words = max(max(x) for x in xs if x) if any(xs) else 0
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels


def to_object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def word_index(path, file_hash):
    """The word -> index dict from Keras's JSON file."""
    p = fetch(path, ORIGIN + path, file_hash)
    with open(p) as f:
        return json.load(f)
