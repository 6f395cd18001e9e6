"""Compiled tf.cond under a tape: one lax.cond, gradients (1st/2nd order) vs jax.grad."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


def _ref(x, w):
    return jnp.where(x > 0, x ** 3 * w, jnp.sin(x) * w)


@pytest.mark.parametrize("xv", [1.5, -0.5])
def test_compiled_cond_first_and_second_order_match_jax(xv):
    w = tf.Variable(2.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.cond(x > 0, lambda: x * x * x * w, lambda: tf.sin(x) * w)
            gx, gw = inner.gradient(y, [x, w])
        return y, gx, gw, outer.gradient(gx, x)

    y, gx, gw, gxx = f(tf.constant(xv))
    rx, rw = jax.grad(_ref, (0, 1))(xv, 2.0)
    assert float(y) == pytest.approx(float(_ref(xv, 2.0)), rel=1e-6)
    assert float(gx) == pytest.approx(float(rx), rel=1e-5)
    assert float(gw) == pytest.approx(float(rw), rel=1e-5)
    assert float(gxx) == pytest.approx(float(jax.grad(jax.grad(_ref))(xv, 2.0)), rel=1e-5)


def test_only_the_taken_branch_assigns_under_a_tape():
    hits = tf.Variable(0.0)

    def false_branch(x):
        hits.assign_add(1.0)
        return x * 3.0

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: x * x, lambda: false_branch(x))
        return y, tape.gradient(y, x)

    y, g = f(tf.constant(2.0))
    assert (float(y), float(g), float(hits.numpy())) == (4.0, 4.0, 0.0)
    y, g = f(tf.constant(-2.0))
    assert (float(y), float(g), float(hits.numpy())) == (-6.0, 3.0, 1.0)


def test_tape_outside_a_compiled_cond_and_unconnected_outputs():
    f = tf.function(lambda x: tf.cond(x[0] > 0, lambda: (tf.reduce_sum(x * x), 1.0),
                                      lambda: (tf.reduce_sum(tf.exp(x)), 2.0)))
    for xv in (np.array([1.0, 2.0], np.float32), np.array([-1.0, 2.0], np.float32)):
        x = tf.constant(xv)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y, c = f(x)
        ref = 2 * xv if xv[0] > 0 else np.exp(xv)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), ref, rtol=1e-6)
        assert float(c) == (1.0 if xv[0] > 0 else 2.0)
