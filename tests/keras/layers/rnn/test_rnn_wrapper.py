"""keras.layers.RNN(cell): user cells with nested states, stacked cells, stateful layers,
constants, and how the recurrence runs (one op eagerly, no unrolling when compiled)."""
import jax
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from .rnn_reference import run

RNG = np.random.default_rng(1)
X = RNG.normal(size=(2, 5, 3)).astype("float32")


class MinimalCell(keras.layers.Layer):
    """h = tanh(x @ W + h @ U); a dict state {"h": ..., "n": count of steps}."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = {"h": units, "n": 1}
        self.output_size = units

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=(input_shape[-1], self.units))
        self.u = self.add_weight("u", shape=(self.units, self.units))

    def call(self, inputs, states):
        h = tf.tanh(tf.matmul(inputs, self.w) + tf.matmul(states["h"], self.u))
        return h, {"h": h, "n": states["n"] + 1.0}

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return {"h": tf.zeros((batch_size, self.units)), "n": tf.fill((batch_size, 1), 10.0)}


def _ref_minimal(x, w, u, h):
    outs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ w + h @ u)
        outs.append(h)
    return np.stack(outs, 1), h


def test_user_cell_with_dict_state_values_and_gradients():
    layer = keras.layers.RNN(MinimalCell(4), return_sequences=True, return_state=True)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, states = layer(x)
        loss = tf.reduce_sum(out ** 2)
    gx, gw, gu = tape.gradient(loss, [x] + layer.trainable_weights)
    w, u = layer.cell.w.numpy(), layer.cell.u.numpy()
    ref, h = _ref_minimal(X, w, u, np.zeros((2, 4), "float32"))
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(states["n"].numpy(), np.full((2, 1), 15.0))  # 10 + 5 steps

    def loss_fn(x, w, u):
        h = jax.numpy.zeros((2, 4))
        total = 0.0
        for t in range(5):
            h = jax.numpy.tanh(x[:, t] @ w + h @ u)
            total = total + jax.numpy.sum(h ** 2)
        return total
    rx, rw, ru = jax.grad(loss_fn, (0, 1, 2))(X, w, u)
    for g, r in ((gx, rx), (gw, rw), (gu, ru)):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-4, atol=1e-5)


def test_stacked_cells_match_composition():
    cells = [keras.layers.SimpleRNNCell(4), keras.layers.LSTMCell(3)]
    layer = keras.layers.RNN(cells, return_sequences=True, return_state=True)
    out, s1, s2 = layer(X)
    w1 = [w.numpy() for w in cells[0].weights]
    w2 = [w.numpy() for w in cells[1].weights]
    mid = run("SimpleRNN", X, w1, [np.zeros((2, 4), "float32")])[0]
    ref, _, (h, c) = run("LSTM", np.asarray(mid), w2, [np.zeros((2, 3), "float32")] * 2)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s2[1].numpy(), c, rtol=1e-5, atol=1e-6)
    assert len(s1) == 1 and len(s2) == 2


def test_stateful_carries_states_across_batches_and_resets():
    layer = keras.layers.GRU(4, stateful=True, return_sequences=True,
                             batch_input_shape=(2, None, 3))
    first = layer(X[:, :3]).numpy()
    second = layer(X[:, 3:]).numpy()
    whole = keras.layers.GRU(4, return_sequences=True)
    whole(X)
    whole.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.concatenate([first, second], 1), whole(X).numpy(),
                               rtol=1e-5, atol=1e-6)
    layer.reset_states()
    np.testing.assert_allclose(layer(X[:, :3]).numpy(), first, rtol=1e-6)
    h = RNG.normal(size=(2, 4)).astype("float32")
    layer.reset_states([h])
    np.testing.assert_allclose(layer.states[0].numpy(), h)
    with pytest.raises(ValueError, match="State 0 is incompatible"):
        layer.reset_states([np.zeros((3, 4))])
    with pytest.raises(AttributeError, match="stateful"):
        keras.layers.GRU(2).reset_states()


def test_stateful_inside_tf_function():
    layer = keras.layers.LSTM(3, stateful=True, batch_input_shape=(2, None, 3))
    f = tf.function(lambda x: layer(x))
    a = f(tf.constant(X)).numpy()
    b = f(tf.constant(X)).numpy()
    assert not np.allclose(a, b)  # second call starts from the first call's states
    layer.reset_states()
    np.testing.assert_allclose(f(tf.constant(X)).numpy(), a, rtol=1e-6)


def test_constants_reach_the_cell():
    class ConstCell(keras.layers.Layer):
        state_size = 3

        def call(self, inputs, states, constants=None):
            h = states[0] + inputs + constants[0]
            return h, [h]
    layer = keras.layers.RNN(ConstCell())
    c = np.ones((2, 3), "float32")
    out = layer(X, constants=[c])
    np.testing.assert_allclose(out.numpy(), X.sum(1) + 5 * c, rtol=1e-5)


def test_eager_call_is_one_tape_op():
    layer = keras.layers.LSTM(4)
    x = tf.constant(X)
    layer(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        layer(x)
    kinds = [r.type for r in tape._records]
    assert kinds.count("Recurrence") == 1
    assert len(kinds) < 12  # projection, transposes, slicing: nothing per time step


def _hlo_size(steps):
    layer = keras.layers.LSTM(8)
    x = tf.zeros((2, steps, 4))
    layer(x[:, :1])

    def loss(x):
        with jax.ensure_compile_time_eval():  # as tapeflow.function traces run
            with tf.GradientTape() as tape:
                y = tf.reduce_sum(layer(x))
            return tape.gradient(y, layer.trainable_weights)
    jaxpr = jax.make_jaxpr(lambda v: [g._value for g in loss(tf.constant(v))])(x.numpy())
    return _count_eqns(jaxpr.jaxpr)


def _count_eqns(jaxpr):
    """Equations of a jaxpr, those of its sub-programs (scan bodies...) included."""
    n = 0
    for eqn in jaxpr.eqns:
        n += 1
        for p in eqn.params.values():
            for sub in p if isinstance(p, (list, tuple)) else [p]:
                inner = getattr(sub, "jaxpr", None)
                if inner is not None:
                    n += _count_eqns(getattr(inner, "jaxpr", inner))
    return n


def test_compiled_program_does_not_grow_with_length():
    assert _hlo_size(500) == _hlo_size(50)
