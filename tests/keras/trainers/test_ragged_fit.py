"""fit/evaluate/predict on ragged x: bucketed batches compile few programs and train
exactly as the padded + masked dense model (same weights init, same shuffled order)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.ragged import bucketing

N, MAX_LEN, VOCAB = 64, 40, 20


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    lengths = np.minimum(rng.geometric(0.15, N), MAX_LEN)  # batches of 8 span 3-4 buckets
    lengths[:2] = [1, MAX_LEN]
    seqs = [rng.integers(1, VOCAB, n) for n in lengths]  # token 0 is the padding id
    padded = np.zeros((N, MAX_LEN), np.int32)
    for i, s in enumerate(seqs):
        padded[i, :len(s)] = s
    ragged = tf.RaggedTensor.from_row_lengths(np.concatenate(seqs).astype(np.int32),
                                              lengths.astype(np.int64))
    y = rng.normal(size=(N, 1)).astype(np.float32)
    return ragged, padded, y


def _model(mask_zero):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.layers.Embedding(VOCAB, 4, mask_zero=mask_zero),
                              keras.layers.LSTM(5), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def _fit(model, x, y, epochs=2):
    np.random.seed(11)  # the same shuffled batch order for both models
    return model.fit(x, y, batch_size=8, epochs=epochs, shuffle=True, verbose=0)


def test_shuffled_ragged_fit_compiles_few_programs_and_matches_masked_dense(data, compiles):
    ragged, padded, y = data
    model = _model(mask_zero=False)
    _fit(model, ragged[:8], y[:8], epochs=1)  # fit's one-time eager helpers compile here
    with compiles() as n:
        hist = _fit(model, ragged, y)
    fn = model.train_function
    traces = fn.masked.experimental_get_tracing_count() + \
        fn.single.experimental_get_tracing_count()
    # 8 batches x 2 epochs of shuffled layouts (16 layouts): one step program per
    # width bucket (1, 2, 4, ..., 64 for lengths up to 40), and the widths do vary
    assert 3 <= traces <= 7, traces
    assert n[0] <= 8 * traces, n[0]  # each: its step + trace-time constants
    ref = _model(mask_zero=True)
    _fit(ref, padded[:8], y[:8], epochs=1)
    ref_hist = _fit(ref, padded, y)
    np.testing.assert_allclose(hist.history["loss"], ref_hist.history["loss"], rtol=1e-5)
    for w, r in zip(model.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6)
    # one batch each: one more program per model
    np.testing.assert_allclose(model.predict(ragged, batch_size=N, verbose=0),
                               ref.predict(padded, batch_size=N, verbose=0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(ragged, y, batch_size=N, verbose=0),
                               ref.evaluate(padded, y, batch_size=N, verbose=0), rtol=1e-5)


def test_return_sequences_inside_a_compiled_step_gives_the_real_steps(data):
    ragged = data[0]
    keras.utils.set_random_seed(5)
    layer = keras.layers.SimpleRNN(3, return_sequences=True, go_backwards=True)
    rt = tf.RaggedTensor.from_row_lengths(
        tf.cast(ragged[:5].values, tf.float32)[:, None], ragged[:5].row_lengths())
    eager = layer(rt)
    step = tf.function(lambda enc: layer(enc.to_ragged()))
    out = bucketing.trim(step(bucketing.encode(rt)))
    assert out.row_splits.numpy().tolist() == eager.row_splits.numpy().tolist()
    np.testing.assert_allclose(out.values.numpy(), eager.values.numpy(), rtol=1e-5, atol=1e-6)


def test_encoding_pads_rows_to_a_power_of_two_and_decodes_back(data):
    ragged = data[0][:6]
    enc = bucketing.encode(ragged)
    lengths = np.diff(ragged.row_splits.numpy())
    assert enc.dense.shape == (6, bucketing.bucket(lengths.max()))
    assert enc.lengths.tolist() == lengths.tolist()
    decoded = enc.to_ragged()
    assert decoded.row_splits.numpy().tolist() == ragged.row_splits.numpy().tolist()
    total = int(ragged.row_splits.numpy()[-1])
    np.testing.assert_array_equal(decoded.values.numpy()[:total], ragged.values.numpy())
    assert [bucketing.bucket(n) for n in (0, 1, 2, 3, 40, 64)] == [1, 1, 2, 4, 64, 64]


def test_ragged_targets_train_as_eager_steps_and_predict_stays_ragged(data):
    ragged = data[0]
    short = np.nonzero(np.diff(ragged.row_splits.numpy()) <= 8)[0][:16]  # quick eager steps
    ragged = ragged[short]
    x = tf.RaggedTensor.from_row_splits(tf.cast(ragged.values, tf.float32)[:, None] / VOCAB,
                                        ragged.row_splits)
    y = x.with_flat_values(tf.sin(x.flat_values * 3.0))

    def fitted(run_eagerly):
        keras.utils.set_random_seed(4)
        model = keras.Sequential([keras.layers.SimpleRNN(3, return_sequences=True),
                                  keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"],
                      run_eagerly=run_eagerly)
        hist = model.fit(x[:16], y[:16], batch_size=16, epochs=1, verbose=0)
        return model, [hist.history["loss"], hist.history["mae"]]

    model, loss = fitted(False)
    ref, ref_loss = fitted(True)  # eager steps on the unbucketed RaggedTensors
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5)
    for w, r in zip(model.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6)
    out = model.predict(x[:12], batch_size=8, verbose=0)  # two batches joined
    assert isinstance(out, tf.RaggedTensor)
    want = ref(x[:12])
    assert out.row_splits.numpy().tolist() == want.row_splits.numpy().tolist()
    np.testing.assert_allclose(out.values.numpy(), want.values.numpy(), rtol=1e-5, atol=1e-6)


def test_a_short_ragged_batch_rides_the_full_batch_program():
    rng = np.random.default_rng(5)
    lengths = rng.integers(5, 8, 20)  # one width bucket (8)
    x = tf.RaggedTensor.from_row_lengths(rng.normal(size=(lengths.sum(), 2)).astype(np.float32),
                                         lengths)
    y = rng.normal(size=(20, 1)).astype(np.float32)
    keras.utils.set_random_seed(6)
    model = keras.Sequential([keras.layers.SimpleRNN(3), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # batches of 8, 8 and 4 rows
    fn = model.train_function
    assert fn.masked.experimental_get_tracing_count() + \
        fn.single.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=8, verbose=0),
                               model.evaluate(x, y, batch_size=20, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(model.predict(x, batch_size=8, verbose=0), model(x).numpy(),
                               rtol=1e-5, atol=1e-6)
