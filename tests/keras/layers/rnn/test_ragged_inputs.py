"""RNN layers, Dense and pooling on RaggedTensor inputs, and fit/predict on ragged data.

References: the padded dense batch with the row mask, each row run on its own
as an unmasked dense [1, length, features] batch, NumPy, and tf.keras (with the
same weights) when TensorFlow is installed.
"""
import json

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tf_peer import tf_eval

RNG = np.random.default_rng(3)
ROWS = [RNG.normal(size=(n, 2)).astype("float32") for n in (3, 1, 2)]
X = tf.RaggedTensor.from_row_lengths(np.concatenate(ROWS), [3, 1, 2])


def _row_by_row(layer, rows=ROWS):
    return [layer(tf.constant(r[None])).numpy()[0] for r in rows]


def _masked_rows(layer, go_backwards):
    """The padded batch run with the row mask; each row's real steps (in processing
    order: the last `length` outputs when going backwards)."""
    dense = layer(X.to_tensor(), mask=tf.sequence_mask(X.row_lengths(), 3)).numpy()
    return [dense[i, 3 - len(r):] if go_backwards else dense[i, :len(r)]
            for i, r in enumerate(ROWS)]


@pytest.mark.parametrize("cls,go_backwards", [(keras.layers.SimpleRNN, False),
                                              (keras.layers.GRU, True),
                                              (keras.layers.LSTM, False)])
def test_rnn_on_ragged_equals_padded_with_mask(cls, go_backwards):
    layer = cls(3, return_sequences=True, go_backwards=go_backwards,
                bias_initializer="random_normal")
    out = layer(X)
    assert isinstance(out, tf.RaggedTensor)
    assert out.row_lengths().numpy().tolist() == [3, 1, 2]
    for got, ref in zip(out.to_list(), _masked_rows(layer, go_backwards)):
        np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-5, atol=1e-6)


def test_rnn_on_ragged_equals_each_row_alone():
    layer = keras.layers.LSTM(3, go_backwards=True, bias_initializer="random_normal")
    np.testing.assert_allclose(layer(X).numpy(), np.stack(_row_by_row(layer)), rtol=1e-5,
                               atol=1e-6)


def test_bidirectional_and_return_state_on_ragged():
    bi = keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True))
    out = bi(X)
    for got, ref in zip(out.to_list(), _masked_rows(bi, False)):
        np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-5, atol=1e-6)
    lstm = keras.layers.LSTM(2, return_sequences=True, return_state=True)
    seq, h, c = lstm(X)
    assert isinstance(seq, tf.RaggedTensor)
    _, h_ref, c_ref = lstm(X.to_tensor(), mask=tf.sequence_mask(X.row_lengths(), 3))
    np.testing.assert_allclose(h.numpy(), h_ref.numpy(), rtol=1e-6)
    np.testing.assert_allclose(c.numpy(), c_ref.numpy(), rtol=1e-6)


def test_dense_time_distributed_and_pooling_on_ragged():
    dense = keras.layers.Dense(4)
    out = dense(X)
    assert isinstance(out, tf.RaggedTensor)
    k, b = (w.numpy() for w in dense.weights)
    np.testing.assert_allclose(out.flat_values.numpy(), np.concatenate(ROWS) @ k + b,
                               rtol=1e-5)
    pooled = keras.layers.GlobalAveragePooling1D()(X).numpy()
    np.testing.assert_allclose(pooled, np.stack([r.mean(0) for r in ROWS]), rtol=1e-6)
    np.testing.assert_allclose(keras.layers.GlobalMaxPooling1D()(X).numpy(),
                               np.stack([r.max(0) for r in ROWS]), rtol=1e-6)
    td = keras.layers.TimeDistributed(dense)(X)  # the same Dense on every time step
    assert td.row_lengths().numpy().tolist() == [3, 1, 2]
    np.testing.assert_allclose(td.flat_values.numpy(), out.flat_values.numpy(), rtol=1e-6)


def _model(ragged):
    inp = keras.Input(shape=(None,), ragged=ragged, dtype="int32")
    h = keras.layers.Embedding(12, 4, mask_zero=not ragged)(inp)
    h = keras.layers.LSTM(3)(h)
    return keras.Model(inp, keras.layers.Dense(1)(h))


IDS = [[1, 2, 3], [4], [5, 6], [7, 8, 9, 10], [11, 3]]


def test_functional_ragged_model_fit_and_predict_match_dense_with_mask():
    model = _model(ragged=True)
    ids = tf.ragged.constant(IDS)
    model.compile(keras.optimizers.Adam(0.05), "mse")
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]], "float32")
    hist = model.fit(ids, y, epochs=6, batch_size=5, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    pred = model.predict(ids, batch_size=5, verbose=0)
    from_dataset = model.predict(tf.data.Dataset.from_tensor_slices(ids).batch(5), verbose=0)
    np.testing.assert_allclose(from_dataset, pred, rtol=1e-6)
    # the same weights on the zero-padded ids, masked by Embedding(mask_zero=True)
    dense = _model(ragged=False)
    dense.set_weights(model.get_weights())
    padded = ids.to_tensor()
    np.testing.assert_allclose(pred, dense(padded).numpy(), rtol=1e-5, atol=1e-6)


_TF_CODE = r"""
x = tf.RaggedTensor.from_row_lengths(np.asarray(d["values"], "float32"), d["lengths"])
lstm = tf.keras.layers.LSTM(3, return_sequences=True, go_backwards=True)
lstm.build((None, None, 2))
lstm.set_weights([np.asarray(w, "float32") for w in d["lstm"]])
bi = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(2, return_sequences=True))
bi.build((None, None, 2))
bi.set_weights([np.asarray(w, "float32") for w in d["bi"]])
print(json.dumps({"lstm": lstm(x).to_list(), "bi": bi(x).to_list()}))
"""


def test_against_tf_keras():
    lstm = keras.layers.LSTM(3, return_sequences=True, go_backwards=True,
                             bias_initializer="random_normal")
    bi = keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True))
    mine = {"lstm": lstm(X).to_list(), "bi": bi(X).to_list()}
    args = {"values": X.flat_values.numpy().tolist(), "lengths": [3, 1, 2],
            "lstm": [w.tolist() for w in lstm.get_weights()],
            "bi": [w.tolist() for w in bi.get_weights()]}
    ref = tf_eval(f"d = json.loads({json.dumps(args)!r})\n" + _TF_CODE)
    for key in ("lstm", "bi"):
        for got, want in zip(mine[key], ref[key]):
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4,
                                       atol=1e-5)


def test_ragged_ids_with_mask_zero_in_a_functional_model():
    ids = tf.ragged.constant([[1, 0, 3], [4], [5, 6]])  # id 0 inside a row is masked too
    inp = keras.Input(shape=(None,), ragged=True, dtype="int32")
    emb, lstm = keras.layers.Embedding(10, 3, mask_zero=True), keras.layers.LSTM(2)
    model = keras.Model(inp, lstm(emb(inp)))
    padded = ids.to_tensor()  # zeros: masked by Embedding(mask_zero=True) as well
    np.testing.assert_allclose(model(ids).numpy(), lstm(emb(padded)).numpy(), rtol=1e-6)


def test_gradients_through_ragged_rnn_reach_the_flat_values():
    layer = keras.layers.GRU(3, return_sequences=True)
    values = X.flat_values
    mask = tf.sequence_mask(X.row_lengths(), 3)
    grads = []
    for ragged in (True, False):
        with tf.GradientTape() as tape:
            tape.watch(values)
            x = tf.RaggedTensor.from_row_lengths(values, X.row_lengths())
            y = layer(x).flat_values if ragged else tf.boolean_mask(
                layer(x.to_tensor(), mask=mask), mask)
            loss = tf.reduce_sum(y * y)
        grads.append(tape.gradient(loss, values).numpy())
    assert np.abs(grads[0]).sum() > 0
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-7)
