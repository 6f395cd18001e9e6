"""keras.preprocessing.text: the legacy text utilities (`Tokenizer`, `text_to_word_sequence`,
`one_hot`, `hashing_trick`), as tf.keras 2.15 ships them. New code should prefer the
`TextVectorization` layer.

>>> text_to_word_sequence("The cat, the HAT!")
['the', 'cat', 'the', 'hat']
>>> t = Tokenizer()
>>> t.fit_on_texts(["the cat", "the dog"])
>>> t.texts_to_sequences(["the dog"])
[[1, 3]]
"""
import collections
import hashlib
import json

import numpy as np

__all__ = ["Tokenizer", "text_to_word_sequence", "one_hot", "hashing_trick",
           "tokenizer_from_json"]

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=_FILTERS, lower=True, split=" "):
    """Lower-cases, turns every character of `filters` into `split`, splits, drops empties."""
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def hashing_trick(text, n, hash_function=None, filters=_FILTERS, lower=True, split=" ",
                  analyzer=None):
    """Words -> `hash(word) % (n - 1) + 1` (index 0 is reserved).

    `hash_function` None uses Python's `hash` (salted per process, as in Keras);
    "md5" gives stable indices.

    >>> hashing_trick("a b a", 10, hash_function="md5")[0] == hashing_trick("a", 10, "md5")[0]
    True
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(w):
            return int(hashlib.md5(w.encode()).hexdigest(), 16)
    seq = analyzer(text) if analyzer is not None else text_to_word_sequence(
        text, filters=filters, lower=lower, split=split)
    return [(hash_function(w) % (n - 1) + 1) for w in seq]


def one_hot(input_text, n, filters=_FILTERS, lower=True, split=" ", analyzer=None):
    """`hashing_trick` with Python's `hash`: word indices in [1, n)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Word (or character) index built from texts; texts <-> sequences <-> matrices.

    Words are numbered from 1 by decreasing frequency (first seen first among equals);
    `oov_token`, when given, takes index 1. `num_words` keeps indices below it.
    """

    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, document_count=0, **kwargs):
        if "nb_words" in kwargs:
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words, self.document_count = num_words, document_count
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.index_docs = collections.defaultdict(int)
        self.word_index, self.index_word = {}, {}

    def _sequence(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        """Counts words (and the documents holding them) and rebuilds the word index."""
        if isinstance(texts, str):
            texts = [texts]
        for text in texts:
            self.document_count += 1
            seq = self._sequence(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        wcounts = sorted(self.word_counts.items(), key=lambda x: x[1], reverse=True)
        vocab = ([self.oov_token] if self.oov_token is not None else []) + \
            [w for w, _ in wcounts]
        self.word_index = dict(zip(vocab, range(1, len(vocab) + 1)))
        self.index_word = {c: w for w, c in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Counts, per index, the sequences holding it (needed by the "tfidf" mode)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def _oov_index(self):
        return self.word_index.get(self.oov_token) if self.oov_token is not None else None

    def texts_to_sequences(self, texts):
        """Each text -> list of word indices (unknown words dropped, or the OOV index)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Generator form of `texts_to_sequences`."""
        oov = self._oov_index()
        for text in texts:
            vect = []
            for w in self._sequence(text):
                i = self.word_index.get(w)
                if i is not None and self.num_words and i >= self.num_words:
                    i = oov
                elif i is None:
                    i = oov
                if i is not None:
                    vect.append(i)
            yield vect

    def sequences_to_texts(self, sequences):
        """Each sequence of indices -> the words joined by spaces."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Generator form of `sequences_to_texts`."""
        oov = self._oov_index()
        for seq in sequences:
            vect = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and self.num_words and num >= self.num_words:
                    word = self.index_word[oov] if oov is not None else None
                elif word is None and self.oov_token is not None:
                    word = self.index_word[oov]
                if word is not None:
                    vect.append(word)
            yield " ".join(vect)

    def texts_to_matrix(self, texts, mode="binary"):
        """`sequences_to_matrix(texts_to_sequences(texts), mode)`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """`(len(sequences), num_words)` matrix: binary, count, freq or tfidf per index.

        tfidf: `(1 + log(count)) * log(1 + documents / (1 + documents holding the index))`.
        """
        if mode not in ("binary", "count", "tfidf", "freq"):
            raise ValueError(f"Unknown vectorization mode: {mode!r}; expected 'binary', "
                             "'count', 'tfidf' or 'freq'.")
        num_words = self.num_words or (len(self.word_index) + 1 if self.word_index else 0)
        if not num_words:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text "
                             "data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not seq:
                continue
            counts = collections.Counter(j for j in seq if j < num_words)
            for j, c in counts.items():
                if mode == "count":
                    x[i, j] = c
                elif mode == "freq":
                    x[i, j] = c / len(seq)
                elif mode == "binary":
                    x[i, j] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i, j] = (1 + np.log(c)) * idf
        return x

    def get_config(self):
        """The tokenizer's settings and statistics (dictionaries as JSON strings)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level,
                "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs):
        """JSON string that `tokenizer_from_json` turns back into this tokenizer."""
        return json.dumps({"class_name": self.__class__.__name__,
                           "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """Rebuilds a `Tokenizer` from `Tokenizer.to_json()`."""
    config = dict(json.loads(json_string).get("config"))
    stats = {k: json.loads(config.pop(k)) for k in
             ("word_counts", "word_docs", "index_docs", "word_index", "index_word")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(stats["word_counts"])
    tokenizer.word_docs = collections.defaultdict(int, stats["word_docs"])
    tokenizer.index_docs = collections.defaultdict(
        int, {int(k): v for k, v in stats["index_docs"].items()})
    tokenizer.word_index = stats["word_index"]
    tokenizer.index_word = {int(k): v for k, v in stats["index_word"].items()}
    return tokenizer
