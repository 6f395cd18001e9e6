"""Bidirectional (every merge mode, states, masks) and TimeDistributed against references."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from .rnn_reference import run

RNG = np.random.default_rng(2)
X = RNG.normal(size=(2, 5, 3)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
ZEROS = [np.zeros((2, 4), "float32")] * 2


def _refs(layer, mask=None):
    fw = [w.numpy() for w in layer.forward_layer.weights]
    bw = [w.numpy() for w in layer.backward_layer.weights]
    zero = layer.return_sequences
    f = run("LSTM", X, fw, ZEROS, mask=mask, zero_output_for_mask=zero)
    b = run("LSTM", X, bw, ZEROS, mask=mask, go_backwards=True, zero_output_for_mask=zero)
    return f, b


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
def test_merge_modes(mode):
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True),
                                       merge_mode=mode)
    out = layer(X, mask=tf.constant(MASK))
    (f, _, _), (b, _, _) = _refs(layer, MASK)
    f, b = np.asarray(f), np.asarray(b)[:, ::-1]
    want = {"concat": lambda: np.concatenate([f, b], -1), "sum": lambda: f + b,
            "mul": lambda: f * b, "ave": lambda: (f + b) / 2, None: lambda: [f, b]}[mode]()
    if mode is None:
        for o, w in zip(out, want):
            np.testing.assert_allclose(o.numpy(), w, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)


def test_states_and_gradients():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_state=True))
    with tf.GradientTape() as tape:
        out, fh, fc, bh, bc = layer(X)
        loss = tf.reduce_sum(out)
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(grads) == 6 and all(g is not None for g in grads)
    (_, f_last, (rfh, rfc)), (_, b_last, (rbh, rbc)) = _refs(layer)
    np.testing.assert_allclose(out.numpy(), np.concatenate([f_last, b_last], -1), rtol=1e-5,
                               atol=1e-6)
    for got, want in ((fh, rfh), (fc, rfc), (bh, rbh), (bc, rbc)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    assert [w.name.split("/")[0] for w in layer.weights] == ["forward_lstm"] * 3 + \
        ["backward_lstm"] * 3 or layer.weights[0].name.startswith("forward_")


def test_initial_state_split_and_backward_layer_checks():
    layer = keras.layers.Bidirectional(keras.layers.GRU(4))
    h = [tf.ones((2, 4)), tf.zeros((2, 4))]
    a = layer(X, initial_state=h).numpy()
    b = layer(X).numpy()
    np.testing.assert_allclose(a[:, 4:], b[:, 4:], rtol=1e-6)
    assert not np.allclose(a[:, :4], b[:, :4])
    with pytest.raises(ValueError, match="go_backwards"):
        keras.layers.Bidirectional(keras.layers.GRU(2), backward_layer=keras.layers.GRU(2))
    with pytest.raises(ValueError, match="merge mode"):
        keras.layers.Bidirectional(keras.layers.GRU(2), merge_mode="max")


def test_config_round_trip():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True),
                                       merge_mode="sum")
    layer(X)
    clone = keras.layers.Bidirectional.from_config(layer.get_config())
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(X).numpy(), layer(X).numpy(), rtol=1e-6)


def test_time_distributed_dense():
    dense = keras.layers.Dense(3)
    layer = keras.layers.TimeDistributed(dense)
    out = layer(X).numpy()
    w, b = dense.kernel.numpy(), dense.bias.numpy()
    np.testing.assert_allclose(out, X @ w + b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        keras.layers.TimeDistributed(keras.layers.Dense(2))(np.ones((2, 3), "float32"))
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.TimeDistributed(
        keras.layers.Dense(2)), keras.layers.LSTM(2)])
    assert model(X).shape.as_list() == [2, 2]
