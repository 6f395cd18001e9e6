"""What a traced function compiles: its program, not one tiny program per constant op.

XLA keeps every compiled program (~1.4 MiB each on CPU), so ops evaluated while
tracing (variables met for the first time, gradient seeds, zeros of a traced
shape) are staged into the one program instead of compiled on their own.
"""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

def test_first_call_compiles_only_the_program(compiles):
    v = tf.Variable(np.arange(35, dtype=np.float32).reshape(5, 7))

    @tf.function
    def f(x):
        return tf.reduce_sum(tf.matmul(x, v) * 2.0) + tf.reduce_sum(tf.zeros_like(x))

    x = np.ones((3, 5), np.float32)
    with compiles() as n:
        got = f(tf.constant(x))
    assert n[0] == 1
    assert float(got) == pytest.approx(float((x @ v.numpy()).sum() * 2))
    with compiles() as n:
        f(tf.constant(x))
    assert n[0] == 0
    with compiles() as n:
        f(tf.constant(np.ones((4, 5), np.float32)))
    assert n[0] == 1


def _sgd_step(w):
    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_mean(tf.nn.relu(tf.matmul(x, w)))
        g = tape.gradient(y, w)
        w.assign_sub(0.1 * g)
        return y
    return step


def test_gradient_step_first_call_compiles_one_program(compiles):
    # a first function of other shapes: jax compiles its scalar conversions once per dtype
    _sgd_step(tf.Variable(np.ones((2, 2), np.float32)))(tf.ones((1, 2)))
    w = tf.Variable(np.full((4, 3), 0.5, np.float32))
    step = _sgd_step(w)
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    with compiles() as n:
        step(tf.constant(x))
    assert n[0] == 1
    h = x @ np.full((4, 3), 0.5)
    ref = np.full((4, 3), 0.5) - 0.1 * x.T @ ((h > 0) / h.size)  # d mean(relu(xw)) / dw
    np.testing.assert_allclose(w.numpy(), ref, rtol=1e-6)


def test_eager_constants_compile_nothing(compiles):
    with compiles() as n:
        a = tf.zeros((13, 17))
        b = tf.ones((13, 19), tf.int32)
        c = tf.zeros_like(tf.constant(np.ones((2, 23))))
        d = tf.constant([[1.5, 2.5]])
        s = tf.shape(a)
    assert n[0] == 0
    np.testing.assert_array_equal(a.numpy(), np.zeros((13, 17), np.float32))
    assert b.dtype == tf.int32 and int(tf.reduce_sum(b)) == 13 * 19
    assert c.dtype == tf.float64 and c.shape == (2, 23)
    assert d.numpy().tolist() == [[1.5, 2.5]] and s.numpy().tolist() == [13, 17]


def test_variables_created_from_other_variables_inside_the_first_trace():
    """TF lifts such initial values out of the function; they are concrete here too."""
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    made = []

    @tf.function
    def f(x):
        if not made:
            made.append(tf.Variable(tf.zeros_like(w)))
            made.append(tf.Variable(w * 2.0))
        made[0].assign_add(x)
        return made[0] + made[1]

    out = f(tf.ones((2, 3)))
    np.testing.assert_allclose(made[0].numpy(), np.ones((2, 3)))
    np.testing.assert_allclose(made[1].numpy(), np.arange(6).reshape(2, 3) * 2.0)
    np.testing.assert_allclose(out.numpy(), 1 + np.arange(6).reshape(2, 3) * 2.0)
    f(tf.ones((2, 3)))
    np.testing.assert_allclose(made[0].numpy(), np.full((2, 3), 2.0))
    # an initial value computed from the arguments: the first call runs eagerly (as TF
    # initializes it inside the first call); creating it again on the next trace raises
    g = tf.function(lambda x: tf.Variable(x * 2.0).read_value())
    np.testing.assert_allclose(g(tf.ones(2)).numpy(), [2.0, 2.0])
    with pytest.raises(ValueError, match="singleton"):
        g(tf.ones(2))


def test_fit_on_a_new_batch_shape_compiles_one_program(compiles):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 6)).astype("float32"), rng.integers(0, 3, 40)
    model.fit(x[:16], y[:16], batch_size=8, verbose=0)  # every batch of shape 8
    with compiles() as n:
        model.fit(x[:12], y[:12], batch_size=8, verbose=0)  # adds a batch of 4
    assert n[0] <= 1  # its program, or none when fit pads the short batch to the full shape
    with compiles() as n:
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert n[0] == 0
