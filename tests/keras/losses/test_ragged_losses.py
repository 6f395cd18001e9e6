"""Losses on ragged targets: one loss per step over the flat values, sample weights per
row, sum_over_batch_size dividing by the step count (tf.keras 2.15, e.g. MSE of
[[[1],[2],[3]],[[4]]] vs [[[1.5],[2],[2]],[[1]]] is 2.5625), checked with NumPy."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.ragged import bucketing

LENGTHS = np.array([3, 1, 0, 2])


def _pair(rng, dim=2):
    n = LENGTHS.sum()
    yt = tf.RaggedTensor.from_row_lengths(rng.normal(size=(n, dim)).astype(np.float32), LENGTHS)
    yp = tf.RaggedTensor.from_row_lengths(rng.normal(size=(n, dim)).astype(np.float32), LENGTHS)
    return yt, yp


def _steps_mse(yt, yp):
    return ((yt.values.numpy() - yp.values.numpy()) ** 2).mean(-1)


def test_mse_averages_the_steps_with_row_weights(rng):
    yt, yp = _pair(rng)
    per_step = _steps_mse(yt, yp)
    loss = keras.losses.MeanSquaredError()
    np.testing.assert_allclose(float(loss(yt, yp)), per_step.mean(), rtol=1e-6)
    sw = np.array([1.0, 3.0, 5.0, 0.5], np.float32)
    w = np.repeat(sw, LENGTHS)
    np.testing.assert_allclose(float(loss(yt, yp, sample_weight=sw[:, None])),
                               (per_step * w).sum() / LENGTHS.sum(), rtol=1e-6)
    ragged_sw = tf.RaggedTensor.from_row_lengths(w, LENGTHS)  # tf.keras' per-step form
    np.testing.assert_allclose(float(loss(yt, yp, sample_weight=ragged_sw)),
                               (per_step * w).sum() / LENGTHS.sum(), rtol=1e-6)
    summed = keras.losses.MeanSquaredError(reduction="sum")(yt, yp)
    np.testing.assert_allclose(float(summed), per_step.sum(), rtol=1e-6)
    each = keras.losses.MeanSquaredError(reduction="none")(yt, yp)
    assert each.row_splits.numpy().tolist() == yt.row_splits.numpy().tolist()
    np.testing.assert_allclose(each.values.numpy(), per_step, rtol=1e-6)


def test_sparse_crossentropy_with_ragged_labels(rng):
    labels = tf.RaggedTensor.from_row_lengths(rng.integers(0, 3, LENGTHS.sum()), LENGTHS)
    logits = tf.RaggedTensor.from_row_lengths(
        rng.normal(size=(LENGTHS.sum(), 3)).astype(np.float32), LENGTHS)
    z = logits.values.numpy()
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    want = -logp[np.arange(len(z)), labels.values.numpy()].mean()
    got = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    np.testing.assert_allclose(float(got), want, rtol=1e-5)


def test_filler_past_a_traced_partition_is_not_counted(rng):
    yt, yp = _pair(rng)
    step = tf.function(lambda a, b: keras.losses.MeanSquaredError()(a.to_ragged(),
                                                                    b.to_ragged()))
    got = step(bucketing.encode(yt), bucketing.encode(yp))
    np.testing.assert_allclose(float(got), _steps_mse(yt, yp).mean(), rtol=1e-6)


def test_mismatched_rows_and_a_ragged_last_axis_are_errors(rng):
    yt, yp = _pair(rng)
    other = tf.RaggedTensor.from_row_lengths(yp.values, [2, 2, 0, 2])
    with pytest.raises(ValueError, match=r"same row lengths.*\[3, 1, 0, 2\] and \[2, 2, 0, 2\]"):
        keras.losses.MeanSquaredError()(yt, other)
    flat = tf.ragged.constant([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"not the last.*\(2, None\)"):
        keras.losses.MeanSquaredError()(flat, flat)


def test_mean_metrics_average_the_steps(rng):
    yt, yp = _pair(rng)
    err = np.abs(yt.values.numpy() - yp.values.numpy()).mean(-1)
    w = np.repeat(np.array([1.0, 3.0, 5.0, 0.5], np.float32), LENGTHS)
    metric = keras.metrics.MeanAbsoluteError()
    metric.update_state(yt, yp, sample_weight=tf.RaggedTensor.from_row_lengths(w, LENGTHS))
    np.testing.assert_allclose(float(metric.result()), (err * w).sum() / w.sum(), rtol=1e-6)
