"""Gradients through compiled calls (tape outside) and inside them (tape traced)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


@tf.function
def _cube_sin(x):
    return tf.reduce_sum(x * x * x + tf.sin(x))


def _ref(x):
    return jnp.sum(x * x * x + jnp.sin(x))


def test_tape_outside_differentiates_through_the_call(rng):
    xv = rng.normal(size=(3,)).astype(np.float32)
    x = tf.constant(xv)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _cube_sin(x)
    g = tape.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), jax.grad(_ref)(xv), rtol=1e-5)


def test_second_order_with_nested_outer_tapes(rng):
    xv = rng.normal(size=(3,)).astype(np.float32)
    x = tf.constant(xv)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = _cube_sin(x)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    ref = jnp.diag(jax.hessian(_ref)(xv))
    np.testing.assert_allclose(h.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_variables_read_inside_get_gradients_outside(rng):
    wv = rng.normal(size=(3, 2)).astype(np.float32)
    xv = rng.normal(size=(4, 3)).astype(np.float32)
    w = tf.Variable(wv)

    @tf.function
    def loss(x):
        return tf.reduce_mean(tf.tanh(tf.matmul(x, w)))

    with tf.GradientTape() as tape:
        y = loss(tf.constant(xv))
    g = tape.gradient(y, w)
    ref = jax.grad(lambda w_: jnp.mean(jnp.tanh(xv @ w_)))(wv)
    np.testing.assert_allclose(g.numpy(), ref, rtol=1e-5, atol=1e-7)
    assert float(y) == pytest.approx(float(jnp.mean(jnp.tanh(xv @ wv))), rel=1e-5)


def test_multiple_outputs_and_output_gradients(rng):
    @tf.function
    def f(a, b):
        return a * b, a + b, tf.shape(a)

    av, bv = rng.normal(size=(2,)).astype(np.float32), rng.normal(size=(2,)).astype(np.float32)
    a, b = tf.constant(av), tf.constant(bv)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        p, s, _ = f(a, b)
    ga, gb = tape.gradient([p, s], [a, b], output_gradients=[tf.ones([2]), 2.0 * tf.ones([2])])
    np.testing.assert_allclose(ga.numpy(), bv + 2.0, rtol=1e-6)
    np.testing.assert_allclose(gb.numpy(), av + 2.0, rtol=1e-6)


def test_tape_inside_compiled_function_matches_jax_grad(rng):
    xv = rng.normal(size=(5,)).astype(np.float32)

    @tf.function
    def grads(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.exp(x) * x)
            g = inner.gradient(y, x)
            s = tf.reduce_sum(g)
        return g, outer.gradient(s, x)

    g, h = grads(tf.constant(xv))
    f = lambda x: jnp.sum(jnp.exp(x) * x)  # noqa: E731
    np.testing.assert_allclose(g.numpy(), jax.grad(f)(xv), rtol=1e-5)
    np.testing.assert_allclose(h.numpy(), jax.grad(lambda x: jnp.sum(jax.grad(f)(x)))(xv),
                               rtol=1e-5)


def test_random_ops_replay_in_the_backward(rng):
    """The backward reruns the function with the forward's random numbers."""
    @tf.function
    def noisy(x):
        mask = tf.cast(tf.random.uniform(tf.shape(x)) > 0.5, tf.float32)
        return tf.reduce_sum(x * mask), mask

    x = tf.constant(rng.normal(size=(16,)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y, mask = noisy(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), mask.numpy())


def test_writes_are_not_repeated_by_the_backward():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return x * 3.0

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 3.0
    assert float(v.numpy()) == 2.0
