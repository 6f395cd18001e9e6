"""SimpleRNN / GRU / LSTM: values and gradients against rnn_reference.py's jax loops."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from .rnn_reference import grads, run

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 6, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 1, 0, 1, 1]], bool)
COT = RNG.normal(size=(3, 6, 5)).astype("float32")

LAYERS = [("SimpleRNN", keras.layers.SimpleRNN, {}), ("LSTM", keras.layers.LSTM, {}),
          ("GRU", keras.layers.GRU, {}), ("GRU_v1", keras.layers.GRU, {"reset_after": False})]


def _layer(cls, kw, **more):
    layer = cls(5, bias_initializer="random_normal", return_sequences=True, **kw, **more)
    layer(X[:, :2])
    return layer


def _weights(layer):
    return [w.numpy() for w in layer.weights]


def _zero_states(kind):
    return [np.zeros((3, 5), "float32")] * (2 if kind == "LSTM" else 1)


@pytest.mark.parametrize("kind,cls,kw,variant", [
    LAYERS[0] + ("mask_backwards",), LAYERS[1] + ("plain",), LAYERS[1] + ("mask_backwards",),
    LAYERS[2] + ("mask_backwards",), LAYERS[3] + ("plain",)])
def test_values_and_gradients_match_reference(kind, cls, kw, variant):
    layer = _layer(cls, kw, go_backwards="backwards" in variant, return_state=True)
    mask = MASK if "mask" in variant else None
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, *states = layer(x, mask=None if mask is None else tf.constant(mask))
        loss = tf.reduce_sum(out * COT)
    gx, *gw = tape.gradient(loss, [x] + layer.trainable_weights)
    kwargs = {"mask": mask, "go_backwards": "backwards" in variant}
    ref_out, ref_last, ref_states = run(kind, X, _weights(layer), _zero_states(kind), **kwargs)
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-5, atol=1e-5)
    for s, r in zip(states, ref_states):
        np.testing.assert_allclose(s.numpy(), r, rtol=1e-5, atol=1e-5)
    rgx, rgw = grads(kind, X, _weights(layer), _zero_states(kind), COT, **kwargs)
    np.testing.assert_allclose(gx.numpy(), rgx, rtol=1e-4, atol=1e-5)
    for g, r in zip(gw, rgw):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind,cls,kw", LAYERS[1:2])
def test_compiled_matches_eager_and_reference(kind, cls, kw):
    layer = _layer(cls, kw)
    x = tf.constant(X)

    @tf.function
    def f(x, mask):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x, mask=mask) * COT)
        return loss, tape.gradient(loss, [x] + layer.trainable_weights)
    loss, (gx, *gw) = f(x, tf.constant(MASK))
    ref_out = run(kind, X, _weights(layer), _zero_states(kind), mask=MASK)[0]
    np.testing.assert_allclose(float(loss), float(np.sum(ref_out * COT)), rtol=1e-5)
    rgx, rgw = grads(kind, X, _weights(layer), _zero_states(kind), COT, mask=MASK)
    np.testing.assert_allclose(gx.numpy(), rgx, rtol=1e-4, atol=1e-5)
    for g, r in zip(gw, rgw):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-4, atol=1e-5)


def test_last_output_initial_state_time_major_and_unroll():
    layer = keras.layers.LSTM(5, return_state=True, time_major=True, unroll=True,
                              bias_initializer="random_normal")
    h0 = RNG.normal(size=(3, 5)).astype("float32")
    c0 = RNG.normal(size=(3, 5)).astype("float32")
    out, h, c = layer(tf.constant(X.transpose(1, 0, 2)), initial_state=[h0, c0])
    ref_out, ref_last, (rh, rc) = run("LSTM", X, _weights(layer), [h0, c0])
    np.testing.assert_allclose(out.numpy(), ref_last, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), rh, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), rc, rtol=1e-5, atol=1e-5)


def test_masked_last_output_is_last_unmasked_step():
    layer = keras.layers.GRU(5)
    out = layer(tf.constant(X), mask=tf.constant(MASK))
    seq = keras.layers.GRU(5, return_sequences=True)
    seq(X[:, :1])
    seq.set_weights(layer.get_weights())
    full = seq(tf.constant(X), mask=tf.constant(MASK)).numpy()
    np.testing.assert_allclose(out.numpy()[0], full[0, 3], rtol=1e-6)
    np.testing.assert_allclose(out.numpy()[2], full[2, 5], rtol=1e-6)
    np.testing.assert_allclose(full[0, 4], full[0, 3], rtol=1e-6)  # carried through


def test_embedding_mask_zero_feeds_the_mask():
    ids = np.array([[3, 1, 2, 0, 0], [1, 1, 1, 1, 2]])
    model = keras.Sequential([keras.layers.Embedding(5, 4, mask_zero=True),
                              keras.layers.LSTM(3, return_sequences=True)])
    out = model(ids).numpy()
    np.testing.assert_allclose(out[0, 3], out[0, 2])
    np.testing.assert_allclose(out[0, 4], out[0, 2])
    emb, lstm = model.layers
    ref = run("LSTM", emb(ids).numpy(), _weights(lstm), [np.zeros((2, 3), "float32")] * 2,
              mask=ids != 0)[0]
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_weights_shapes_names_and_forget_bias():
    lstm = keras.layers.LSTM(3, name="lstm")
    lstm(X)
    assert [w.name for w in lstm.weights] == ["lstm/lstm_cell/kernel:0",
                                              "lstm/lstm_cell/recurrent_kernel:0",
                                              "lstm/lstm_cell/bias:0"]
    assert [tuple(w.shape) for w in lstm.weights] == [(4, 12), (3, 12), (12,)]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6)
    gru = keras.layers.GRU(3, reset_after=False)
    gru(X)
    assert tuple(gru.weights[2].shape) == (9,)
    assert tuple(keras.layers.GRU(3).cell.build((None, 4)) or ()) == ()


def test_dropout_only_in_training():
    layer = keras.layers.LSTM(5, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    plain = keras.layers.LSTM(5, return_sequences=True)
    plain(X)
    layer(X)
    layer.set_weights(plain.get_weights())
    np.testing.assert_allclose(layer(X, training=False).numpy(), plain(X).numpy(), rtol=1e-6)
    a, b = layer(X, training=True).numpy(), layer(X, training=True).numpy()
    assert not np.allclose(a, b)
    assert not np.allclose(a, plain(X).numpy())
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X, training=True))
    assert all(g is not None for g in tape.gradient(loss, layer.trainable_weights))


def test_input_dropout_mask_is_fixed_across_time():
    # a linear SimpleRNN with a zero recurrent kernel: output_t = (x_t * mask) @ ones
    layer = keras.layers.SimpleRNN(1, activation=None, use_bias=False, dropout=0.5,
                                   kernel_initializer="ones", recurrent_initializer="zeros",
                                   return_sequences=True)
    x = np.ones((64, 5, 8), "float32")
    out = layer(x, training=True).numpy()[..., 0]
    assert np.all(out == out[:, :1])
    assert len(np.unique(out)) > 1


def test_bad_inputs_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r'lstm.*expected ndim=3.*\(3, 4\)'):
        keras.layers.LSTM(2, name="lstm_bad")(np.ones((3, 4), "float32"))
    layer = keras.layers.GRU(2, name="gru_mask")
    with pytest.raises(ValueError, match=r"gru_mask.*\(3, 5\).*\(3, 6\)"):
        layer(X, mask=tf.ones((3, 5), tf.bool))
    with pytest.raises(ValueError, match="units"):
        keras.layers.LSTM(-1)
    with pytest.raises(ValueError, match=r"gru_mask.*expects 1 state"):
        layer(X, initial_state=[tf.zeros((3, 2)), tf.zeros((3, 2))])
