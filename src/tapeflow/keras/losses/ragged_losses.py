"""Losses on RaggedTensor targets/predictions, as tf.keras 2.15 computes them.

With ragged `y_true` and `y_pred` of one row partition `[batch, (steps), ...]`,
the loss function runs on the flat values (one loss per step), each step
weighs its row's `sample_weight`, and `sum_over_batch_size` divides by the
number of steps. Inside a compiled Keras step the partition may be traced and
the flat values hold filler past the last row (ragged/bucketing.py): filler
weighs 0 and is not counted.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> yt = tf.ragged.constant([[[1.], [2.], [3.]], [[4.]]], ragged_rank=1)
>>> yp = tf.ragged.constant([[[1.5], [2.], [2.]], [[1.]]], ragged_rank=1)
>>> float(keras.losses.MeanSquaredError()(yt, yp))
2.5625
"""
import numpy as np

import tapeflow as tf
from tapeflow.ragged import bucketing

__all__ = ["ragged_loss", "ragged_values"]


def _step_weights(rt, sample_weight):
    """Per flat value: 1 (or its row's / its own ragged sample weight) for real values,
    0 for filler."""
    n = rt.values.shape[0]
    splits = tf.cast(rt.row_splits, tf.int64)
    slots = tf.constant(np.arange(n, dtype=np.int64))
    weights = tf.cast(tf.less(slots, splits[-1]), tf.float32)
    if sample_weight is None:
        return weights
    if isinstance(sample_weight, tf.RaggedTensor):  # one weight per step (tf.keras' form)
        return weights * tf.reshape(tf.cast(sample_weight.flat_values, tf.float32), [-1])
    sw = tf.reshape(tf.cast(tf.convert_to_tensor(sample_weight), tf.float32), [-1])
    if sw.shape[0] != rt.shape[0]:
        raise ValueError(f"sample_weight for ragged targets takes one weight per row; "
                         f"Received: sample_weight shape={sample_weight.shape}, "
                         f"rows={rt.shape[0]}")
    return weights * tf.gather(sw, bucketing.slot_rows(splits, n))


def _check_partitions(name, y_true, y_pred):
    for rt in (y_true, y_pred):
        if rt.ragged_rank != 1 or (rt is y_pred and rt.flat_values.shape.rank < 2):
            raise ValueError(f"{name} on RaggedTensors takes [batch, (steps), features] "
                             f"values (one ragged dimension, not the last); Received: "
                             f"shape={rt.shape}")
    if bucketing.is_traced(y_true.row_splits) or bucketing.is_traced(y_pred.row_splits):
        return
    a, b = np.asarray(y_true.row_splits.numpy()), np.asarray(y_pred.row_splits.numpy())
    if a.shape != b.shape or (a != b).any():
        raise ValueError(f"{name}: y_true and y_pred must have the same row lengths; "
                         f"Received: {np.diff(a).tolist()} and {np.diff(b).tolist()}")


def ragged_values(fn, y_true, y_pred, sample_weight=None, name="loss"):
    """(`fn` on the flat values of ragged y_true and y_pred — one value per step —, the
    steps' weights). Metrics (`MeanMetricWrapper`) average these as tf.keras does."""
    _check_partitions(name, y_true, y_pred)
    values = tf.cast(fn(y_true.flat_values, y_pred.flat_values), tf.float32)
    return values, _step_weights(y_pred, sample_weight)


def ragged_loss(loss, y_true, y_pred, sample_weight=None):
    """`loss(y_true, y_pred, sample_weight)` where y_true and/or y_pred are ragged."""
    if not isinstance(y_pred, tf.RaggedTensor):
        return loss(y_true.to_tensor(), y_pred, sample_weight)
    if not isinstance(y_true, tf.RaggedTensor):
        return loss(y_true, y_pred.to_tensor(), sample_weight)
    values, weights = ragged_values(loss.call, y_true, y_pred, sample_weight,
                                    f"Loss {loss.name!r}")
    weighted = values * tf.reshape(weights, [-1] + [1] * (values.shape.rank - 1))
    reduction = loss._get_reduction()
    if reduction == "none":
        return y_pred.with_flat_values(weighted)
    total = tf.reduce_sum(weighted)
    if reduction == "sum":
        return total
    steps = tf.cast(y_pred.row_splits[-1], tf.float32) * float(
        np.prod(values.shape.as_list()[1:], dtype=np.int64))
    return tf.math.divide_no_nan(total, steps)
