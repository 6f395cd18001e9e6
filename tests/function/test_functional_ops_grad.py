"""Compiled scans under a tape: one lax.scan, gradients (1st/2nd order) vs jax.grad."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


def _scan_ref(x, w):
    def step(a, e):
        a = a * jnp.sin(e) * w + e
        return a, a
    return jnp.sum(jax.lax.scan(step, 1.0, x)[1])


def _fold_ref(x, w, reverse):
    def step(a, e):
        return a * w + jnp.cos(e), None
    return jax.lax.scan(step, 0.5, x, reverse=reverse)[0]


def _second_order(fn):
    """fn(x) -> scalar; compiled: value, gradient and d(sum(gradient))/dx."""
    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = fn(x)
            g = inner.gradient(y, x)
            s = tf.reduce_sum(g)
        return y, g, outer.gradient(s, x)
    return f


XV = np.array([0.3, -0.7, 1.1, 0.4], np.float32)


def test_compiled_scan_gradients_match_jax_including_variables():
    w = tf.Variable(0.5)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.scan(lambda a, e: a * tf.sin(e) * w + e, x,
                                      initializer=tf.constant(1.0)))
        return y, tape.gradient(y, [x, w])

    y, (gx, gw) = f(tf.constant(XV))
    assert float(y) == pytest.approx(float(_scan_ref(XV, 0.5)), rel=1e-5)
    np.testing.assert_allclose(gx.numpy(), jax.grad(_scan_ref)(XV, 0.5), rtol=1e-5)
    assert float(gw) == pytest.approx(float(jax.grad(_scan_ref, 1)(XV, 0.5)), rel=1e-5)
    _, _, gg = _second_order(lambda x: tf.reduce_sum(tf.scan(
        lambda a, e: a * tf.sin(e) * 0.5 + e, x, initializer=tf.constant(1.0))))(
        tf.constant(XV))
    ref = jax.grad(lambda x: jnp.sum(jax.grad(_scan_ref)(x, 0.5)))(XV)
    np.testing.assert_allclose(gg.numpy(), ref, rtol=1e-4, atol=1e-6)


def test_compiled_map_fn_first_and_second_order():
    y, g, gg = _second_order(lambda x: tf.reduce_sum(tf.map_fn(lambda e: e * e * e, x)))(
        tf.constant(XV))
    assert float(y) == pytest.approx(float((XV ** 3).sum()), rel=1e-5)
    np.testing.assert_allclose(g.numpy(), 3 * XV ** 2, rtol=1e-5)
    np.testing.assert_allclose(gg.numpy(), 6 * XV, rtol=1e-5)


@pytest.mark.parametrize("reverse", [False, True])
def test_compiled_folds_first_and_second_order(reverse):
    fold = tf.foldr if reverse else tf.foldl
    y, g, gg = _second_order(lambda x: fold(lambda a, e: a * 0.9 + tf.cos(e), x,
                                            initializer=tf.constant(0.5)))(tf.constant(XV))
    ref = lambda x: _fold_ref(x, 0.9, reverse)  # noqa: E731
    assert float(y) == pytest.approx(float(ref(XV)), rel=1e-5)
    np.testing.assert_allclose(g.numpy(), jax.grad(ref)(XV), rtol=1e-5)
    np.testing.assert_allclose(gg.numpy(), jax.grad(lambda x: jnp.sum(jax.grad(ref)(x)))(XV),
                               rtol=1e-4, atol=1e-6)


def test_long_compiled_scan_is_not_unrolled():
    calls = []

    def step(a, e):
        calls.append(1)  # Python side effect: runs once per trace of the body
        return a * 0.99 + e

    f = _second_order(lambda x: tf.reduce_sum(tf.scan(step, x, initializer=tf.constant(0.0))))
    x = np.linspace(-1, 1, 200).astype(np.float32)
    y, g, _ = f(tf.constant(x))
    assert len(calls) < 20  # unrolling would run the body 200+ times
    ref = lambda v: jnp.sum(jax.lax.scan(lambda a, e: (a * 0.99 + e,) * 2, 0.0, v)[1])  # noqa
    assert float(y) == pytest.approx(float(ref(x)), rel=1e-4)
    np.testing.assert_allclose(g.numpy(), jax.grad(ref)(x), rtol=1e-4)


def test_tape_outside_a_compiled_map_fn_with_cond_reaches_a_variable():
    @tf.function
    def f(x):
        return tf.reduce_sum(tf.map_fn(
            lambda e: tf.cond(e > 0, lambda: e * e, lambda: -3.0 * e), x))

    v = tf.Variable([1.0, -2.0, 3.0])
    with tf.GradientTape() as tape:
        y = f(v)
    assert float(y) == 16.0
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [2.0, -3.0, 6.0])


def test_assignments_in_a_compiled_scan_body_run_once_per_step_under_a_tape():
    count = tf.Variable(0.0)

    def step(acc, e):
        count.assign_add(1.0)
        k, s = acc
        return k + 1, s + e[0] * e[1]

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            k, s = tf.foldl(step, (x, x * 2.0), initializer=(tf.constant(0), tf.constant(0.0)))
        return k, s, tape.gradient(s, x)

    k, s, g = f(tf.constant([1.0, 2.0, 3.0]))
    assert (int(k), float(s), float(count.numpy())) == (3, 28.0, 3.0)
    np.testing.assert_allclose(g.numpy(), [4.0, 8.0, 12.0])
