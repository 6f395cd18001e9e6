"""IndexLookup: the shared engine of StringLookup and IntegerLookup (vocabulary <-> ids).

Index layout (TF 2.15): in "int" mode `[mask_token?] + [OOV] * num_oov_indices + vocab`;
in the other modes the mask token is not counted and masked inputs are dropped. Several
OOV indices hash strings with FarmHash (`to_hash_bucket_fast`) and integers modulo.
`adapt` orders tokens by count, ties by the token in descending order, as TF does;
tf-idf weights are `log(1 + documents / (1 + document_frequency))`, OOV: their mean.

Lookups are vectorized: strings go through `dict.get` applied by a NumPy ufunc,
integers through `tf.searchsorted` (so IntegerLookup compiles inside tf.function).
"""
import collections
import itertools
import os

import numpy as np

import tapeflow as tf

from ....strings import hashing
from .category_encoding import encode_categorical
from .preprocessing_layer import PreprocessingLayer, check_output_mode, to_numpy

__all__ = ["IndexLookup"]

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _is_ragged(x):
    return type(x).__name__ == "RaggedTensor"


class IndexLookup(PreprocessingLayer):
    """Base class; subclasses set `_strings` and convert tokens (`_token`, `_export`)."""

    _strings = True

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, **kwargs):
        if output_mode == "binary":
            output_mode = "multi_hot"
        super().__init__(**kwargs)
        check_output_mode(self.name, output_mode, _MODES)
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"Layer {self.name}: if set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"Layer {self.name}: if pad_to_max_tokens is True, must set "
                             f"`max_tokens`. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"Layer {self.name}: `num_oov_indices` must be greater than or "
                             f"equal to 0. Received: num_oov_indices={num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError(f"Layer {self.name}: `output_mode` must be 'int' when `invert` "
                             f"is true. Received: output_mode={output_mode!r}")
        if sparse and output_mode == "int":
            raise ValueError(f"Layer {self.name}: `sparse` may only be true if `output_mode` "
                             f"is 'one_hot', 'multi_hot', 'count' or 'tf_idf'. Received: "
                             f"sparse={sparse} and output_mode={output_mode!r}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"Layer {self.name}: `idf_weights` should only be set if "
                             f"output_mode is 'tf_idf'. Received: idf_weights={idf_weights} "
                             f"and output_mode={output_mode!r}")
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode = bool(invert), output_mode
        self.sparse, self.pad_to_max_tokens = sparse, pad_to_max_tokens
        self._vocab, self._idf, self._tables = [], None, None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- token conversion (overridden) ------------------------------------------------
    def _token(self, value):
        """A user token -> the internal key (bytes or int)."""
        raise NotImplementedError

    def _export(self, key):
        """The internal key -> what get_vocabulary returns (str or int)."""
        raise NotImplementedError

    # -- vocabulary -------------------------------------------------------------------
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def _specials(self):
        mask = [self._token(self.mask_token)] if self._oov_start() else []
        return mask + [self._token(self.oov_token)] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (special tokens first unless excluded)."""
        keys = (self._specials() if include_special_tokens else []) + self._vocab
        return [self._export(k) for k in keys]

    def vocabulary_size(self):
        """Number of indices: special tokens plus learned/given vocabulary."""
        return self._token_start() + len(self._vocab)

    def _read_vocabulary(self, vocabulary):
        if isinstance(vocabulary, (str, os.PathLike)) and os.path.isfile(vocabulary) or (
                isinstance(vocabulary, str) and vocabulary.endswith(".txt")):
            if not os.path.isfile(vocabulary):
                raise ValueError(f"Layer {self.name}: vocabulary file {vocabulary} does not "
                                 "exist.")
            with open(vocabulary, "rb") as f:
                lines = [line.rstrip(b"\r\n") for line in f]
            return [self._token(v if self._strings else int(v))
                    for v in lines if v.strip() or self._strings]
        arr = to_numpy(vocabulary)
        return [self._token(v) for v in np.asarray(arr).reshape(-1).tolist()]

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (list, array, Tensor or a text file path, one token a line)."""
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"Layer {self.name}: `idf_weights` must be set if output_mode "
                             "is 'tf_idf'.")
        vocab = self._read_vocabulary(vocabulary)
        specials = self._specials()
        if vocab[:len(specials)] == specials and specials:
            vocab = vocab[len(specials):]
        seen, repeated = set(), []
        for t in vocab:
            if t in seen and t not in repeated:
                repeated.append(t)
            seen.add(t)
        if repeated:
            raise ValueError(f"Layer {self.name}: the passed vocabulary has at least one "
                             "repeated term. Please uniquify your dataset. The repeated terms "
                             f"are: {[self._export(t) for t in repeated]}")
        for what, tok in (("mask_token", self.mask_token), ("oov_token", self.oov_token)):
            if tok is not None and self._token(tok) in seen and (
                    what == "oov_token" and self.num_oov_indices or what == "mask_token"):
                raise ValueError(f"Layer {self.name}: found reserved {what} {tok!r} in the "
                                 "passed vocabulary at a position other than the start. "
                                 f"Received: vocabulary={[self._export(t) for t in vocab]}")
        if self.max_tokens is not None and len(vocab) + self._token_start() > self.max_tokens:
            raise ValueError(f"Layer {self.name}: attempted to set a vocabulary larger than "
                             f"the maximum vocab size. Received vocabulary size is "
                             f"{len(vocab) + self._token_start()}; `max_tokens` is "
                             f"{self.max_tokens}.")
        if idf_weights is not None:
            idf = np.asarray(to_numpy(idf_weights), np.float64).reshape(-1)
            if idf.size == len(vocab) + self._token_start():
                idf = idf[self._token_start():]
            if idf.size != len(vocab):
                raise ValueError(f"Layer {self.name}: `idf_weights` must be the same length "
                                 f"as vocabulary. len(idf_weights) is {idf.size}; "
                                 f"len(vocabulary) is {len(vocab)}")
            self._idf = idf
        self._vocab = vocab
        self._tables = None
        self._is_adapted = True

    # -- adapt --------------------------------------------------------------------------
    def reset_state(self):
        self._counts, self._doc_counts, self._num_docs = collections.Counter(), \
            collections.Counter(), 0

    def update_state(self, data):
        if _is_ragged(data):
            flat = np.asarray(to_numpy(data.flat_values)).reshape(-1)
            splits = np.asarray(data.row_splits.numpy())
        else:
            a = np.asarray(data)
            if self._strings and a.dtype != object:
                a = to_numpy(tf.constant(a))
            if not self._strings and (a.dtype == object or a.dtype.kind == "f"):
                raise ValueError(f"Layer {self.name} expects integer inputs. Received: "
                                 f"data with dtype={a.dtype}")
            rows = a.reshape(a.shape[0], -1) if a.ndim >= 2 else a.reshape(-1, 1)
            flat = rows.reshape(-1)
            splits = np.arange(0, flat.size + 1, max(rows.shape[1], 1))
        self.count_tokens(flat.tolist(), splits)

    def count_tokens(self, flat, splits):
        """Adds the counts of the tokens `flat` (a list) whose rows (documents) are
        `flat[splits[i]:splits[i + 1]]`; document frequencies too in tf-idf mode."""
        batch = collections.Counter(flat)
        self._counts.update(batch)
        if self.output_mode == "tf_idf":
            # document frequency: distinct (row, token) pairs, counted per token
            codes = {t: i for i, t in enumerate(batch)}
            ids = np.fromiter(map(codes.get, flat), np.int64, len(flat))
            rows = np.repeat(np.arange(len(splits) - 1), np.diff(splits))
            pairs = np.unique(rows * len(codes) + ids)
            df = np.bincount(pairs % max(len(codes), 1), minlength=len(codes))
            self._doc_counts.update(dict(zip(batch, df.tolist())))
            self._num_docs += len(splits) - 1

    def finalize_state(self):
        skip = {self._token(t) for t in (self.mask_token, self.oov_token) if t is not None}
        items = [(t, c) for t, c in self._counts.items() if t not in skip]
        items.sort(key=lambda tc: (tc[1], tc[0]), reverse=True)
        if self.max_tokens is not None:
            items = items[:max(self.max_tokens - self._token_start(), 0)]
        self._vocab = [t for t, _ in items]
        if self.output_mode == "tf_idf":
            df = np.array([self._doc_counts[t] for t in self._vocab], np.float64)
            self._idf = np.log1p(self._num_docs / (1.0 + df))
        self._tables = None
        self.reset_state()

    # -- lookups ------------------------------------------------------------------------
    def _depth(self):
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return self.vocabulary_size()

    def _idf_vector(self):
        idf = self._idf if self._idf is not None else np.zeros(0)
        oov = float(np.mean(idf)) if idf.size else 0.0
        full = np.concatenate([np.full(self.num_oov_indices, oov), idf])
        return np.pad(full, (0, max(0, self._depth() - full.size))).astype(np.float32)

    def _string_ids(self, a):
        """Bytes tokens (object array or list) -> int64 ids of the same shape (-1: a mask
        dropped in non-int modes). `dict.get` is mapped over the tokens at C level."""
        shape = a.shape if isinstance(a, np.ndarray) else (len(a),)
        seq = a.reshape(-1).tolist() if isinstance(a, np.ndarray) else a
        ids = np.fromiter(map(self.token_table().get, seq, itertools.repeat(-1)), np.int64,
                          len(seq))
        missing = np.flatnonzero(ids < 0)
        if missing.size:
            self.resolve_missing(ids, missing, list(map(seq.__getitem__, missing.tolist())))
        return ids.reshape(shape)

    def token_table(self):
        """{token: id} of the vocabulary (built once per vocabulary)."""
        if self._tables is None:
            start = self._token_start()
            self._tables = {t: i + start for i, t in enumerate(self._vocab)}
        return self._tables

    def resolve_missing(self, ids, missing, unknown):
        """Fills `ids[missing]` for the out-of-vocabulary tokens `unknown` (bytes): OOV
        indices (hashed when several), the mask's index, or an error without OOV indices."""
        if self.num_oov_indices == 0:
            raise tf.errors.InvalidArgumentError(
                None, None, f"Layer {self.name}: found out-of-vocabulary values "
                f"{sorted(set(unknown))[:5]} with num_oov_indices=0.")
        ids[missing] = self._oov_start() if self.num_oov_indices == 1 else \
            self._oov_start() + (hashing.fingerprint64(unknown) %
                                 np.uint64(self.num_oov_indices)).astype(np.int64)
        if self.mask_token is not None:  # the mask is never in the vocabulary
            hits = np.fromiter(map(self._token(self.mask_token).__eq__, unknown), bool,
                               len(unknown))
            ids[missing[hits]] = 0 if self.output_mode == "int" else -1

    def _int_ids(self, x):
        """Integer tensor -> int64 ids with tapeflow ops (traceable)."""
        x = tf.cast(x, "int64")
        start = self._token_start()
        if self._vocab:
            vocab = np.asarray(self._vocab, np.int64)
            order = np.argsort(vocab, kind="stable")
            sv = tf.constant(vocab[order].reshape(1, -1))
            pos = tf.constant(order.astype(np.int64) + start)
            flat = tf.reshape(x, [1, -1])
            idx = tf.minimum(tf.searchsorted(sv, flat, out_type="int64"), len(vocab) - 1)
            found = tf.equal(tf.gather(sv[0], idx), flat)
            ids = tf.reshape(tf.where(found, tf.gather(pos, idx), -tf.ones_like(idx)),
                             tf.shape(x))
        else:
            ids = -tf.ones_like(x)
        if self.num_oov_indices == 0:
            oov = -tf.ones_like(x)
        elif self.num_oov_indices == 1:
            oov = tf.fill(tf.shape(x), tf.constant(self._oov_start(), "int64"))
        else:
            oov = tf.math.floormod(x, self.num_oov_indices) + self._oov_start()
        ids = tf.where(ids < 0, oov, ids)
        if self.mask_token is not None:
            ids = tf.where(tf.equal(x, int(self.mask_token)),
                           tf.zeros_like(ids) if self.output_mode == "int" else -tf.ones_like(ids),
                           ids)
        return ids

    def _inverse(self, inputs):
        table = self.get_vocabulary()
        ids = tf.cast(inputs, "int64")
        n = len(table)
        oov_index = self._oov_start() if self.num_oov_indices else None
        if self._strings:
            a = np.asarray(to_numpy(ids))
            keys = np.array(self._specials() + self._vocab + [b""], dtype=object)[:-1]
            bad = (a < 0) | (a >= n)
            out = keys[np.where(bad, 0, a)] if n else np.full(a.shape, b"", object)
            out[bad] = self._token(self.oov_token)
            del oov_index
            return tf.constant(out)
        values = tf.constant(np.asarray(table, np.int64))
        bad = tf.logical_or(ids < 0, ids >= n)
        out = tf.gather(values, tf.where(bad, tf.zeros_like(ids), ids))
        return tf.where(bad, tf.fill(tf.shape(ids), tf.constant(int(self.oov_token), "int64")),
                        out)

    def lookup_ids(self, inputs):
        """Token ids of `inputs` (dense or ragged) in "int" layout, before encoding."""
        if _is_ragged(inputs):
            return inputs.with_flat_values(self.lookup_ids(inputs.flat_values))
        if self._strings:
            a = to_numpy(inputs)
            if a.dtype != object:
                raise ValueError(f"Layer {self.name} expects string inputs. Received: inputs "
                                 f"with dtype={a.dtype}")
            return tf.constant(self._string_ids(a))
        if not inputs.dtype.is_integer:
            raise ValueError(f"Layer {self.name} expects integer inputs. Received: inputs "
                             f"with dtype={inputs.dtype.name}")
        return self._int_ids(inputs)

    def call(self, inputs):
        if self.invert:
            if _is_ragged(inputs):
                return inputs.with_flat_values(self._inverse(inputs.flat_values))
            return self._inverse(inputs)
        ids = self.lookup_ids(inputs)
        if self.output_mode == "int":
            return ids
        if _is_ragged(ids):
            raise ValueError(f"Layer {self.name}: output_mode={self.output_mode!r} needs dense "
                             "inputs; received a RaggedTensor.")
        idf = self._idf_vector() if self.output_mode == "tf_idf" else None
        return encode_categorical(ids, self.output_mode, self._depth(), self._dtype,
                                  self.sparse, idf_weights=idf, layer_name=self.name)

    def _output_signature(self, input_kt):
        shape = input_kt.shape.as_list()
        if self.output_mode == "int":
            return shape, (("string" if self._strings else "int64") if self.invert
                           else "int64")
        depth = self._depth()
        if self.output_mode == "one_hot" and shape and shape[-1] != 1:
            return shape + [depth], self._dtype
        return (shape[:-1] if shape else []) + [depth], self._dtype

    def get_config(self):
        vocab = self.get_vocabulary(include_special_tokens=False) if self._vocab else None
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary": vocab,
                "idf_weights": None if self._idf is None else self._idf.tolist()}
