"""RaggedTensors with traced, bucket-bounded row splits (ragged/bucketing.py: how Keras
fit passes ragged batches into compiled steps) give the same results as eagerly."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.ragged import bucketing

LENGTHS = np.array([3, 0, 1, 5])


def _compiled(fn, *rts):
    step = tf.function(lambda *encs: fn(*[e.to_ragged() for e in encs]))
    return bucketing.trim(step(*[bucketing.encode(r) for r in rts]))


def _np(v):
    return v.to_tensor().numpy() if isinstance(v, tf.RaggedTensor) else v.numpy()


@pytest.fixture
def floats(rng):
    return tf.RaggedTensor.from_row_lengths(rng.normal(size=(9, 2)).astype(np.float32), LENGTHS)


@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                                "reduce_prod", "reduce_variance", "reduce_std",
                                "reduce_euclidean_norm", "reduce_logsumexp"])
def test_row_reductions_with_traced_splits_equal_numpy(floats, op):
    rows = [np.asarray(r, np.float32).reshape(-1, 2) for r in floats.to_list()]
    ref = {"reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_max": np.max,
           "reduce_min": np.min, "reduce_prod": np.prod, "reduce_variance": np.var,
           "reduce_std": np.std,
           "reduce_euclidean_norm": lambda r, axis: np.sqrt((r ** 2).sum(axis)),
           "reduce_logsumexp": lambda r, axis: np.log(np.exp(r).sum(axis))}[op]
    got = _compiled(lambda r: getattr(tf.math, op)(r, axis=1), floats).numpy()
    eager = getattr(tf.math, op)(floats, axis=1).numpy()
    for i, r in enumerate(rows):
        if len(r):
            np.testing.assert_allclose(got[i], ref(r, axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[1], eager[1])  # empty row: as eagerly (identity/NaN)


def test_integer_and_boolean_row_reductions(rng):
    ints = tf.RaggedTensor.from_row_lengths(rng.integers(-5, 5, 9).astype(np.int32), LENGTHS)
    bools = tf.RaggedTensor.from_row_lengths(rng.integers(0, 2, 9).astype(bool), LENGTHS)
    for op, rt in [("reduce_max", ints), ("reduce_min", ints), ("reduce_sum", ints),
                   ("reduce_any", bools), ("reduce_all", bools)]:
        fn = getattr(tf.math, op)
        np.testing.assert_array_equal(_compiled(lambda r: fn(r, axis=1), rt).numpy(),
                                      fn(rt, axis=1).numpy())


def test_keras_layers_on_traced_partitions(floats):
    layers = [keras.layers.GlobalAveragePooling1D(), keras.layers.GlobalMaxPooling1D(),
              lambda r: keras.layers.Concatenate()([r, r]), keras.layers.Masking(),
              keras.layers.TimeDistributed(keras.layers.Dense(3))]
    for layer in layers:
        np.testing.assert_allclose(_np(_compiled(layer, floats)), _np(layer(floats)),
                                   rtol=1e-5, atol=1e-6)
