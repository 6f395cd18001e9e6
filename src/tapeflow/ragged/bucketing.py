"""Ragged batches in a shape-stable encoding, for compiled steps (Keras fit/evaluate/predict).

Inside `tf.function` a RaggedTensor's row splits are static (part of the trace
key), so every batch layout would compile its own program. The Keras trainers
instead hand a ragged batch (ragged rank 1) to the compiled step as a
`PaddedRagged`: its rows zero-padded to `[nrows, bucket(max row length), ...]`
(next power of two) plus the row lengths, both traced arrays. The trace key
then holds only `nrows` and the bucket, so an epoch of shuffled batches of
sequences up to length L compiles at most ~log2(L) + 1 programs.

Inside the step the pair becomes a RaggedTensor again (`decode`) whose row
splits are traced and whose flat values hold `nrows * bucket` entries: the real
values first (row after row), then filler. Its splits are a `BoundedSplits`
Tensor that knows the static bound on the row lengths (the bucket), so
`to_tensor()` gives the static `[nrows, bucket, ...]` shape without reading
the splits, and layers mapping over the flat values (Embedding, Dense,
Activation, LayerNormalization) run on the filler harmlessly: nothing reads it
back (`to_tensor` pads from the splits; `trim` cuts it off an output).

>>> import tapeflow as tf
>>> rt = tf.ragged.constant([[1, 2, 3], [4]])
>>> enc = encode(rt)
>>> enc.dense.shape, enc.lengths.tolist()
((2, 4), [3, 1])
>>> enc.to_ragged().to_list()  # eagerly; in a trace to_tensor() would be [2, 4]
[[1, 2, 3], [4]]
"""
import jax
import numpy as np

from .. import _core as tf
from ..framework.tensor import Tensor
from .ragged_tensor import RaggedTensor

__all__ = ["BoundedSplits", "PaddedRagged", "bucket", "encode", "decode", "is_traced",
           "length_bound", "slot_rows", "slot_positions", "to_host", "trim", "concat_rows",
           "pad_rows", "first_rows"]


class BoundedSplits(Tensor):
    """Row splits (a Tensor) that carry a static upper bound on the row lengths."""

    __slots__ = ("max_row_length",)


def bounded_splits(splits, max_row_length):
    t = BoundedSplits._from_host(splits._value)
    t.max_row_length = int(max_row_length)
    return t


def is_traced(splits):
    """True for row splits whose values are symbolic (a compiled step's bucketed batch)."""
    return isinstance(splits._value, jax.core.Tracer)


def length_bound(splits):
    """A static bound on the row lengths of traced splits (None when unknown)."""
    return getattr(splits, "max_row_length", None)


def bucket(n):
    """The smallest power of two >= n (1 for n <= 1)."""
    return 1 << max(int(n) - 1, 0).bit_length()


class PaddedRagged:
    """A ragged-rank-1 batch as (dense rows padded to a bucketed width, row lengths).

    A composite for `tf.function`: both parts are traced arrays; the step
    turns the traced pair back into a RaggedTensor with `to_ragged()`.
    """

    __slots__ = ("dense", "lengths")

    def __init__(self, dense, lengths):
        self.dense, self.lengths = dense, lengths

    def _to_components(self):
        return tuple(Tensor._from_host(v) if isinstance(v, np.ndarray) else v
                     for v in (self.dense, self.lengths))

    _function_components = _to_components

    def _with_components(self, components):
        return PaddedRagged(*components)

    def to_ragged(self):
        return decode(tf.convert_to_tensor(self.dense), tf.convert_to_tensor(self.lengths))

    @property
    def shape(self):
        return tf.TensorShape([self.dense.shape[0], None] + list(self.dense.shape[2:]))


def to_host(rt):
    """The RaggedTensor with its values and row splits held as NumPy arrays (for batching)."""
    if not isinstance(rt, RaggedTensor) or any(
            isinstance(c._value, jax.core.Tracer) for c in rt._to_components()):
        return rt
    return rt._with_components([Tensor._from_host(np.asarray(c._value))
                                for c in rt._to_components()])


def encode(rt):
    """A host RaggedTensor of ragged rank 1 as a `PaddedRagged`; anything else unchanged."""
    if not isinstance(rt, RaggedTensor) or rt.ragged_rank != 1 or is_traced(rt.row_splits):
        return rt
    splits = np.asarray(rt.row_splits._value)
    lengths = np.diff(splits)
    width = bucket(lengths.max() if lengths.size else 0)
    values = np.asarray(rt.values._value)
    if values.dtype.kind in "OSU":  # strings stay on the host (the step runs eagerly)
        return rt
    dense = np.zeros((lengths.size, width) + values.shape[1:], values.dtype)
    rows = np.repeat(np.arange(lengths.size), lengths)
    cols = np.arange(values.shape[0]) - np.repeat(splits[:-1], lengths)
    dense[rows, cols] = values
    return PaddedRagged(dense, lengths.astype(splits.dtype))


def decode(dense, lengths):
    """The RaggedTensor of `dense[i, :lengths[i]]` rows, its splits traced and bounded.

    The flat values hold `nrows * width` entries: the real ones in row order,
    then copies of the last padded entry (never read through the splits).
    """
    nrows, width = dense.shape[0], dense.shape[1]
    lengths = tf.cast(lengths, tf.int64)
    splits = tf.concat([tf.zeros([1], tf.int64), tf.math.cumsum(lengths)], axis=0)
    row, col = slot_positions(splits, width)
    flat = tf.reshape(dense, [nrows * width] + dense.shape.as_list()[2:])
    values = tf.gather(flat, row * width + col)
    return RaggedTensor(values, bounded_splits(splits, width), internal=True)


def slot_positions(splits, width):
    """(row, column) in `[nrows, width]` of each of the `nrows * width` value slots.

    Slot `i < splits[-1]` is value `i` of the ragged rows; later slots (filler)
    point at the last cell, so gathers with them stay in bounds.
    """
    splits = tf.cast(splits, tf.int64)
    row = slot_rows(splits, (splits.shape[0] - 1) * width)
    slot = tf.constant(np.arange(row.shape[0], dtype=np.int64))
    return row, tf.minimum(slot - tf.gather(splits, row), width - 1)


def slot_rows(splits, n):
    """The row of each of `n` flat value slots (filler past the last row: the last row)."""
    splits = tf.cast(splits, tf.int64)
    slot = tf.constant(np.arange(n, dtype=np.int64))  # host: no compile
    row = tf.searchsorted(splits[1:], slot, side="right", out_type=tf.int64)
    return tf.minimum(row, splits.shape[0] - 2)


def trim(value):
    """A RaggedTensor whose flat values run past its splits, cut to the real values."""
    if not isinstance(value, RaggedTensor) or value.ragged_rank != 1:
        return value
    splits = value.row_splits._value
    if isinstance(splits, jax.core.Tracer):
        return value
    total = int(np.asarray(splits)[-1])
    if value.values.shape[0] == total:
        return value
    return RaggedTensor(Tensor._from_host(np.asarray(value.values._value)[:total]),
                        Tensor._from_host(np.asarray(splits)), internal=True)


def concat_rows(rts):
    """Host RaggedTensors (e.g. predict's batch outputs) joined along the rows, filler cut."""
    rts = [trim(r) for r in rts]
    if any(r.ragged_rank != 1 for r in rts):
        return tf.concat(rts, axis=0)
    values = np.concatenate([np.asarray(r.values._value) for r in rts])
    splits, offset = [np.zeros(1, np.asarray(rts[0].row_splits._value).dtype)], 0
    for r in rts:
        s = np.asarray(r.row_splits._value)
        splits.append(s[1:] + offset)
        offset += s[-1]
    return RaggedTensor(Tensor._from_host(values), Tensor._from_host(np.concatenate(splits)),
                        internal=True)


def pad_rows(rt, size):
    """A host RaggedTensor (ragged rank 1) with its last row repeated up to `size` rows."""
    splits = np.asarray(rt.row_splits._value)
    values = np.asarray(rt.values._value)
    last = values[splits[-2]:splits[-1]]
    extra = size - (splits.size - 1)
    values = np.concatenate([values] + [last] * extra)
    splits = np.concatenate([splits, splits[-1] + len(last) * np.arange(1, extra + 1)])
    return RaggedTensor(Tensor._from_host(values), Tensor._from_host(splits.astype(
        rt.row_splits.dtype.as_numpy_dtype)), internal=True)


def first_rows(rt, n):
    """The first `n` rows of a host RaggedTensor (ragged rank 1), filler cut."""
    splits = np.asarray(rt.row_splits._value)[:n + 1]
    values = np.asarray(rt.values._value)[:splits[-1]]
    return RaggedTensor(Tensor._from_host(values), Tensor._from_host(splits), internal=True)
