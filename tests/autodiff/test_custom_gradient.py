"""tf.custom_gradient: user gradients, variables, nested tapes."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


@tf.custom_gradient
def log1pexp(x):
    # TF's documented example: a numerically stable gradient for log(1 + e^x).
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad


def test_documented_log1pexp_is_stable():
    x = tf.constant(100.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = log1pexp(x)
    assert float(t.gradient(y, x)) == 1.0  # the naive gradient gives nan here
    assert np.isinf(float(y))  # the forward value still overflows, as in TF's doc


def test_grad_fn_replaces_the_true_gradient():
    @tf.custom_gradient
    def clip_grad(x):
        return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = clip_grad(x) * tf.constant([0.5, 10.0])
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [0.5, 1.0])


def test_several_inputs_and_outputs():
    @tf.custom_gradient
    def f(a, b):
        def grad(da, db):
            return da * b + db, da * a + db * 2.0
        return (a * b, a + 2.0 * b), grad

    a, b = tf.constant(3.0), tf.constant(4.0)
    with tf.GradientTape() as t:
        t.watch([a, b])
        p, s = f(a, b)
        y = p + 10.0 * s
    ga, gb = t.gradient(y, [a, b])
    assert float(ga) == 4.0 + 10.0 and float(gb) == 3.0 + 20.0


def test_variables_read_inside_f():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def scale(x):
        y = x * w

        def grad(dy, variables=None):
            assert variables is not None and variables[0] is w
            return dy * w, [dy * x * 100.0]  # a deliberately scaled variable gradient
        return y, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = scale(x)
    gx, gw = t.gradient(y, [x, w])
    assert float(gx) == 2.0 and float(gw) == 300.0


def test_grad_fn_without_variables_kwarg_is_rejected():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def bad(x):
        return x * w, lambda dy: dy

    with pytest.raises(TypeError, match="variables"):
        bad(tf.constant(1.0))


def test_wrong_number_of_gradients():
    @tf.custom_gradient
    def f(a, b):
        return a + b, lambda dy: dy

    a = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(a)
        y = f(a, a)
    with pytest.raises(ValueError, match="expected to return 2 gradients"):
        t.gradient(y, a)


def test_outer_tape_records_grad_fn():
    @tf.custom_gradient
    def cube(x):
        return x * x * x, lambda dy: dy * 3.0 * x * x  # grad_fn written with tapeflow ops

    x0 = 1.3
    x = tf.constant(x0, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        d1 = inner.gradient(y, x)
    d2 = outer.gradient(d1, x)
    assert float(d1) == pytest.approx(3 * x0 ** 2)
    assert float(d2) == pytest.approx(float(jax.grad(jax.grad(lambda v: v ** 3))(x0)))


def test_forward_value_and_no_tape():
    @tf.custom_gradient
    def f(x):
        return tf.sin(x), lambda dy: dy * tf.cos(x)

    x = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), np.sin(x))
    with tf.GradientTape() as t:
        xt = tf.constant(x)
        t.watch(xt)
        y = f(xt)
    np.testing.assert_allclose(t.gradient(y, xt).numpy(), jax.grad(
        lambda v: jnp.sum(jnp.sin(v)))(x), rtol=1e-12)


def test_variable_passed_as_argument_needs_no_variables_kwarg():
    @tf.custom_gradient
    def f(x):
        return x * x, lambda dy: dy * 10.0

    v = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = f(v)
    assert float(y) == 9.0 and float(t.gradient(y, v)) == 10.0
