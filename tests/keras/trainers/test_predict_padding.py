"""predict: every input length runs through the full batch's program (no compile per length)."""
import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.trainers import padding


def _model():
    tf.random.set_seed(1)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.LayerNormalization(), keras.layers.Dense(3)])


def test_new_lengths_compile_nothing_and_match_the_eager_forward(caplog, compiles):
    model = _model()
    x = np.random.default_rng(0).normal(size=(120, 6)).astype(np.float32)
    model.predict(x[:40], batch_size=16, verbose=0)  # compiles the 16-row program
    with caplog.at_level(logging.WARNING), compiles() as n:
        outs = [model.predict(x[:k], batch_size=16, verbose=0) for k in range(41, 61)]
    assert n[0] == 0
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    ref = model(tf.constant(x)).numpy()
    for k, out in zip(range(41, 61), outs):
        assert out.shape == (k, 3)
        np.testing.assert_allclose(out, ref[:k], rtol=1e-5, atol=1e-6)


def test_dataset_remainders_pad_to_the_first_batch():
    model = _model()
    x = np.random.default_rng(1).normal(size=(23, 6)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(8)
    out = model.predict(ds, verbose=0)
    np.testing.assert_allclose(out, model(tf.constant(x)).numpy(), rtol=1e-5, atol=1e-6)


def test_outputs_without_batch_rows_are_not_cut():
    class Total(keras.Model):
        def call(self, x):
            return tf.reshape(tf.reduce_sum(x), (1,))  # one row per batch: no padding
    out = Total().predict(np.ones((5, 2), np.float32), batch_size=4, verbose=0)
    np.testing.assert_allclose(out, [8.0, 2.0])


@pytest.mark.parametrize("batch,size,expect", [
    ((np.zeros((3, 2)),), 4, 3),
    ((np.zeros((4, 2)),), 4, None),           # already full
    ((np.zeros((3, 2)), np.zeros((2,))), 4, None),  # ragged row counts
    (({"a": np.zeros((1, 1))},), 2, 1),
])
def test_pad_rows_rules(batch, size, expect):
    got = padding.pad_rows(batch, size)
    assert (got is None) == (expect is None)
    if got is not None:
        assert got[1] == expect
        assert all(v.shape[0] == size for v in tf.nest.flatten(got[0]))
