"""TextVectorization: raw strings -> token ids or token-count vectors, vocabulary adapted.

Steps (TF 2.15): standardize (lower-case ASCII and strip punctuation by default, or a
callable) -> split (whitespace, characters, or a callable) -> n-grams -> vocabulary
lookup (a StringLookup with mask token "" in "int" mode) -> padding or encoding.
Each step runs over the whole batch with NumPy ufuncs; no TF graph is involved.

>>> from tapeflow import keras
>>> layer = keras.layers.TextVectorization(output_sequence_length=4)
>>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
>>> layer([["foo qux bar"], ["qux baz"]]).numpy()
array([[4, 1, 3, 0],
       [1, 2, 0, 0]])
"""
import itertools
import string

import numpy as np

import tapeflow as tf

from ....framework.tensor import Tensor
from .category_encoding import host_zeros
from .preprocessing_layer import PreprocessingLayer, check_output_mode, to_numpy
from .string_lookup import StringLookup
from ....ragged.ragged_tensor import RaggedTensor

__all__ = ["TextVectorization"]

_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")
_MODES = ("int", "multi_hot", "count", "tf_idf")


def _ufunc(fn):
    f = np.frompyfunc(fn, 1, 1)
    return lambda a: np.asarray(f(a), dtype=object)  # 0-d stays an array


_lower = _ufunc(bytes.lower)
# The punctuation class is exactly ASCII `string.punctuation`: deleting those bytes with
# bytes.translate equals the regex substitution, at C speed.
_PUNCT_BYTES = string.punctuation.encode()
_strip_punct = _ufunc(lambda s: s.translate(None, _PUNCT_BYTES))
_split_ws = _ufunc(bytes.split)
_split_chars = _ufunc(lambda s: [c.encode("utf-8") for c in s.decode("utf-8", "replace")])


def _ngrams(flat, splits, widths):
    """Space-joined n-grams of each row for every width (row by row, widths in order);
    built by adding object arrays of tokens, so no Python runs per n-gram."""
    tokens = np.array(list(flat) + [b""], object)[:-1]
    row = np.repeat(np.arange(splits.size - 1), np.diff(splits))
    ends = splits[1:][row] if row.size else row
    parts, rows, order = [], [], []
    for k, w in enumerate(widths):
        starts = np.flatnonzero(np.arange(tokens.size) + w <= ends)
        gram = tokens[starts]
        for j in range(1, w):
            gram = gram + b" " + tokens[starts + j]
        parts.append(gram)
        rows.append(row[starts])
        order.append(np.full(starts.size, k))
    rows, order = np.concatenate(rows), np.concatenate(order)
    perm = np.lexsort((order, rows))  # by row, then width; stable within a width
    grams = np.concatenate(parts)[perm].tolist()
    counts = np.bincount(rows, minlength=splits.size - 1)
    return grams, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


class TextVectorization(PreprocessingLayer):
    """Text -> ids (`output_mode="int"`) or multi_hot / count / tf_idf vectors."""

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", **kwargs):
        kwargs.pop("vocabulary_size", None)
        kwargs.setdefault("dtype", "string")
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        check_output_mode(self.name, output_mode, _MODES)
        if not callable(standardize) and standardize not in _STANDARDIZE:
            raise ValueError(f"Layer {self.name}: `standardize` must be one of {_STANDARDIZE}"
                             f" or a callable. Received: standardize={standardize!r}")
        if not callable(split) and split not in _SPLIT:
            raise ValueError(f"Layer {self.name}: `split` must be one of {_SPLIT} or a "
                             f"callable. Received: split={split!r}")
        if ngrams is not None and not (isinstance(ngrams, int) and ngrams > 0 or isinstance(
                ngrams, (tuple, list)) and all(isinstance(n, int) and n > 0 for n in ngrams)):
            raise ValueError(f"Layer {self.name}: `ngrams` must be None, an integer, or a "
                             f"tuple of integers. Received: ngrams={ngrams}")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(f"Layer {self.name}: `output_sequence_length` must not be set if "
                             f"`output_mode` is not 'int'. Received: output_sequence_length="
                             f"{output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError(f"Layer {self.name}: `ragged` must not be true if `output_mode` "
                             f"is {output_mode!r}.")
        if ragged and output_sequence_length is not None:
            raise ValueError(f"Layer {self.name}: `output_sequence_length` must not be set if "
                             "ragged is True.")
        self.max_tokens, self.standardize, self.split = max_tokens, standardize, split
        self.ngrams = ngrams
        self._widths = None if ngrams is None else (
            tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else tuple(ngrams))
        self.output_mode, self.output_sequence_length = output_mode, output_sequence_length
        self.pad_to_max_tokens, self.sparse, self.ragged = pad_to_max_tokens, sparse, ragged
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, mask_token="", vocabulary=vocabulary,
            idf_weights=idf_weights, output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, encoding=encoding,
            name=f"{self.name}_lookup")
        self._is_adapted = vocabulary is not None

    # -- vocabulary ---------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order ('' and '[UNK]' first in "int" mode)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """Size of the vocabulary, special tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and tf-idf weights) instead of adapting."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)
        self._is_adapted = True

    # -- text -> token rows -----------------------------------------------------------
    def _standardized(self, a):
        if a.dtype != object:
            raise ValueError(f"Layer {self.name} expects string inputs. Received: inputs with "
                             f"dtype={a.dtype}")
        if a.ndim == 2 and a.shape[-1] == 1 and self.split is not None:
            a = a[:, 0]
        elif a.ndim > 1 and self.split is not None:
            raise ValueError(f"Layer {self.name}: when using TextVectorization to tokenize "
                             "strings, the input rank must be 1 or the last shape dimension "
                             f"must be 1. Received: inputs.shape={a.shape} with rank={a.ndim}")
        s = self.standardize
        if callable(s):
            return to_numpy(s(tf.constant(a)))
        if a.size and s in ("lower", "lower_and_strip_punctuation"):
            a = _lower(a)
        if a.size and s in ("strip_punctuation", "lower_and_strip_punctuation"):
            a = _strip_punct(a)
        return a

    def _tokens(self, inputs):
        """Inputs -> (flat token list, int64 row splits, scalar input?)."""
        a = to_numpy(inputs)
        scalar = a.ndim == 0
        fast = self._fast_tokens(a)
        if fast is not None:
            flat, splits = fast
        else:
            rows = self._token_rows(self._standardized(a))
            splits = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
            flat = [t for r in rows for t in r]
        if self._widths is not None:
            flat, splits = _ngrams(flat, splits, self._widths)
        return flat, splits, scalar

    def _joined(self, a):
        """The batch standardized as one byte string, rows separated by NUL (one C call
        per step), or None when the built-in standardize/whitespace path does not apply."""
        if self.split != "whitespace" or callable(self.standardize) or a.dtype != object or \
                a.ndim > 2 or (a.ndim == 2 and a.shape[-1] != 1) or not a.size:
            return None
        texts = a.reshape(-1).tolist()
        joined = b"\x00".join(texts)
        if joined.count(b"\x00") != len(texts) - 1:  # a text holds NUL bytes itself
            return None
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            joined = joined.lower()
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            joined = joined.translate(None, _PUNCT_BYTES)
        return joined

    def _fast_tokens(self, a):
        joined = self._joined(a)
        if joined is None:
            return None
        rows = list(map(bytes.split, joined.split(b"\x00")))  # C-level iteration only
        lengths = np.fromiter(map(len, rows), np.int64, len(rows))
        flat = list(itertools.chain.from_iterable(rows))
        return flat, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)

    def _fast_ids(self, a):
        """(ids, row splits) in one split and one dictionary pass over the joined batch:
        row ends are NUL tokens that the table maps to -2. None when not applicable."""
        joined = self._joined(a) if self._widths is None else None
        if joined is None:
            return None
        lookup = self._lookup_layer
        table = lookup.token_table()
        cached = getattr(self, "_marked_table", None)
        if cached is None or cached[0] is not table:
            cached = (table, {**table, b"\x00": -2})
            self._marked_table = cached
        tokens = joined.replace(b"\x00", b" \x00 ").split()
        ids = np.fromiter(map(cached[1].get, tokens, itertools.repeat(-1)), np.int64,
                          len(tokens))
        marks = np.flatnonzero(ids == -2)
        words = np.ones(ids.size, bool)
        words[marks] = False
        positions = np.flatnonzero(words)
        ids = ids[positions]
        lengths = np.diff(np.concatenate([[-1], marks, [len(tokens)]])) - 1
        missing = np.flatnonzero(ids < 0)
        if missing.size:
            lookup.resolve_missing(ids, missing, list(map(tokens.__getitem__,
                                                          positions[missing].tolist())))
        return ids, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)

    def _token_rows(self, a):
        flat = a.reshape(-1)
        if callable(self.split):
            out = self.split(tf.constant(flat))
            return out.to_list() if hasattr(out, "to_list") else np.asarray(
                to_numpy(out)).tolist()
        if self.split == "whitespace":
            return _split_ws(flat).tolist() if flat.size else []
        if self.split == "character":
            return _split_chars(flat).tolist() if flat.size else []
        return [[t] if not isinstance(t, list) else t for t in flat.tolist()] if \
            a.ndim <= 1 else a.tolist()

    # -- adapt ------------------------------------------------------------------------
    def reset_state(self):
        self._lookup_layer.reset_state()

    def update_state(self, data):
        flat, splits, _ = self._tokens(data)
        self._lookup_layer.count_tokens(flat, splits)

    def finalize_state(self):
        self._lookup_layer.finalize_state()
        self._lookup_layer._is_adapted = True

    # -- call ---------------------------------------------------------------------------
    def call(self, inputs):
        a = to_numpy(inputs)
        fast = self._fast_ids(a)
        if fast is not None:
            (ids, splits), scalar = fast, a.ndim == 0
        else:
            flat, splits, scalar = self._tokens(a)
            ids = self._lookup_layer._string_ids(flat)
        lengths = np.diff(splits)
        if self.output_mode == "int":
            return self._pad(ids, lengths, splits, scalar)
        depth = self._lookup_layer._depth()
        n = lengths.size
        keep = ids >= 0
        keys, counts = np.unique(np.repeat(np.arange(n), lengths)[keep] * depth + ids[keep],
                                 return_counts=True)
        out = host_zeros((n, depth))  # float32 as TF; written only where a token occurs
        if self.output_mode == "multi_hot":
            values = np.float32(1)
        else:
            values = counts.astype(np.float32)
            if self.output_mode == "tf_idf":  # count * idf in float32, as TF multiplies
                values *= self._lookup_layer._idf_vector()[keys % depth]
        out.reshape(-1)[keys] = values
        out = Tensor(out[0] if scalar else out)  # wraps the host array, no device copy
        return tf.sparse.from_dense(out) if self.sparse else out

    def _compute_dtype(self):
        return "float32" if self._dtype == "string" else self._dtype

    def _pad(self, ids, lengths, splits, scalar):
        if self.ragged and not scalar:
            return RaggedTensor.from_row_splits(tf.constant(ids), splits, validate=False)
        width = self.output_sequence_length
        if width is None:
            width = int(lengths.max()) if lengths.size else 0
        out = np.zeros((len(lengths), width), np.int64)
        pos = np.arange(ids.size) - np.repeat(splits[:-1], lengths)
        keep = pos < width
        out[np.repeat(np.arange(len(lengths)), lengths)[keep], pos[keep]] = ids[keep]
        return tf.constant(out[0] if scalar else out)

    def _output_signature(self, input_kt):
        shape = input_kt.shape.as_list()
        batch = shape[:1] if shape else []
        if self.output_mode == "int":
            return batch + [self.output_sequence_length], "int64"
        return batch + [self._lookup_layer._depth()], self._compute_dtype()

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(self._output_signature(
            type("S", (), {"shape": tf.TensorShape(input_shape)})())[0])

    def get_config(self):
        lookup = self._lookup_layer.get_config()
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "standardize": self.standardize, "split": self.split, "ngrams": self.ngrams,
                "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": self.sparse,
                "ragged": self.ragged, "vocabulary": lookup["vocabulary"],
                "idf_weights": lookup["idf_weights"], "encoding": self.encoding}
