"""RaggedTensor inputs to RNN layers, as tf.keras takes them.

A ragged batch `[batch, (time), features]` runs as its zero-padded dense tensor
with the mask `t < row_length`: masked steps carry the states through, so the
last output and the final states are those of each row's last real step.
With `return_sequences=True` the output is ragged again, one output per real
step, in the order the layer processed them (for `go_backwards=True` the
reversed row).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> x = tf.ragged.constant([[[1.], [2.]], [[3.]]], ragged_rank=1)
>>> keras.layers.SimpleRNN(2, return_sequences=True)(x).shape.as_list()
[2, None, 2]
"""
import numpy as np

import tapeflow as tf
from tapeflow.ragged import bucketing

__all__ = ["dense_with_mask", "ragged_sequences", "call_on_ragged", "padded_steps", "ragged_like"]


def dense_with_mask(rt):
    """(padded dense tensor, boolean mask [batch, time], row lengths).

    The lengths are NumPy for a concrete partition; inside a compiled Keras
    step the partition is traced (ragged/bucketing.py) and the dense width is
    the bucket the splits carry.
    """
    if rt.ragged_rank != 1:
        raise ValueError(f"RNN layers take RaggedTensors with one ragged (time) dimension; "
                         f"Received: ragged_rank={rt.ragged_rank}")
    dense = rt.to_tensor()
    steps = dense.shape[1]
    if bucketing.is_traced(rt.row_splits):
        lengths = rt.row_lengths()
        mask = tf.less(tf.constant(np.arange(steps)[None, :], lengths.dtype), lengths[:, None])
        return dense, mask, lengths
    lengths = np.asarray(rt.row_lengths().numpy())
    mask = tf.constant(np.arange(steps)[None, :] < lengths[:, None])
    return dense, mask, lengths


def ragged_sequences(outputs, lengths, go_backwards, row_splits=None):
    """Per-step outputs [batch, time, ...] -> ragged rows of each row's real steps.

    With traced `lengths`, `row_splits` (the input's bounded splits) partition
    the result, whose flat values have one slot per [batch, time] cell.
    """
    steps = outputs.shape[1]
    if not isinstance(lengths, np.ndarray):
        row, col = bucketing.slot_positions(row_splits, steps)
        if go_backwards:
            col = tf.maximum(col + tf.cast(steps, tf.int64) - tf.gather(
                tf.cast(lengths, tf.int64), row), 0)
        values = tf.gather_nd(outputs, tf.stack([row, col], axis=1))
        return tf.RaggedTensor.from_row_splits(values, row_splits, validate=False)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    starts = (steps - lengths) if go_backwards else np.zeros_like(lengths)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    index = np.stack([rows, starts[rows] + offsets], axis=1).astype(np.int64)
    values = tf.gather_nd(outputs, tf.constant(index))
    return tf.RaggedTensor.from_row_lengths(values, tf.constant(lengths.astype(np.int64)),
                                            validate=False)


def call_on_ragged(call, inputs, return_sequences, go_backwards, mask=None, **kwargs):
    """`call(dense, mask=..., **kwargs)` on a ragged batch; sequences come back ragged."""
    dense, row_mask, lengths = dense_with_mask(inputs)
    if mask is not None:
        row_mask = tf.logical_and(row_mask, tf.cast(mask.to_tensor() if isinstance(
            mask, tf.RaggedTensor) else mask, tf.bool))
    out = call(dense, mask=row_mask, **kwargs)
    if not return_sequences:
        return out
    splits = inputs.row_splits
    if isinstance(out, (list, tuple)):
        return [ragged_sequences(out[0], lengths, go_backwards, splits)] + list(out[1:])
    return ragged_sequences(out, lengths, go_backwards, splits)


def padded_steps(values):
    """Ragged `[batch, (time), ...]` entries of `values` -> (dense, row masks).

    Every ragged entry becomes its zero-padded dense tensor, all of them padded
    to the widest one's time steps (so value and key line up); dense entries
    and None pass through with a None mask. Used by the attention layers.
    """
    dense, masks = [], []
    for v in values:
        if isinstance(v, tf.RaggedTensor):
            d, m, _ = dense_with_mask(v)
            dense.append(d)
            masks.append(m)
        else:
            dense.append(v)
            masks.append(None)
    width = max([d.shape[1] for d, m in zip(dense, masks) if m is not None], default=0)
    for i, (d, m) in enumerate(zip(dense, masks)):
        if m is not None and d.shape[1] < width:
            extra = width - d.shape[1]
            dense[i] = tf.pad(d, [[0, 0], [0, extra]] + [[0, 0]] * (d.shape.rank - 2))
            masks[i] = tf.pad(m, [[0, 0], [0, extra]])
    return dense, masks


def ragged_like(outputs, rt):
    """Rows of `outputs` [batch, time, ...] cut to the row lengths of the RaggedTensor `rt`."""
    if bucketing.is_traced(rt.row_splits):
        return ragged_sequences(outputs, rt.row_lengths(), False, rt.row_splits)
    return ragged_sequences(outputs, np.asarray(rt.row_lengths().numpy()), False)
