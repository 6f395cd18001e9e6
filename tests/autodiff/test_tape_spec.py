"""The spec's gradient examples (documents 000 and 002), checked analytically."""
import numpy as np
import pytest

import tapeflow as tf


def _ab(rng):
    a = rng.standard_normal((2, 2)).astype(np.float32)
    b = rng.standard_normal((2, 2)).astype(np.float32)
    return a, b


def test_gradient_of_watched_tensor(rng):
    a, b = _ab(rng)
    ta, tb = tf.constant(a), tf.constant(b)
    with tf.GradientTape() as tape:
        tape.watch(ta)
        c = tf.sqrt(tf.square(ta) + tf.square(tb))
        dc_da = tape.gradient(c, ta)
    np.testing.assert_allclose(dc_da.numpy(), a / np.sqrt(a**2 + b**2), rtol=1e-5)


def test_unwatched_constant_gives_none(rng):
    a, b = _ab(rng)
    ta = tf.constant(a)
    with tf.GradientTape() as tape:
        c = tf.square(ta)
    assert tape.gradient(c, ta) is None


def test_variable_is_watched_automatically(rng):
    a, b = _ab(rng)
    va, tb = tf.Variable(a), tf.constant(b)
    with tf.GradientTape() as tape:
        c = tf.sqrt(tf.square(va) + tf.square(tb))
    np.testing.assert_allclose(tape.gradient(c, va).numpy(), a / np.sqrt(a**2 + b**2),
                               rtol=1e-5)


def test_second_derivative_with_nested_tapes(rng):
    a, b = _ab(rng)
    va, tb = tf.Variable(a), tf.constant(b)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            c = tf.sqrt(tf.square(va) + tf.square(tb))
            dc_da = inner.gradient(c, va)
        d2c_da2 = outer.gradient(dc_da, va)
    # d/da (a / sqrt(a^2+b^2)) = b^2 / (a^2+b^2)^(3/2)
    np.testing.assert_allclose(d2c_da2.numpy(), b**2 / (a**2 + b**2) ** 1.5, rtol=1e-4)


def test_non_persistent_tape_used_twice_raises():
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        g.gradient(y, x)


def test_persistent_tape_and_structures():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    assert float(g.gradient(z, x)) == pytest.approx(108.0)  # 4x^3
    assert float(g.gradient(y, x)) == pytest.approx(6.0)
    res = g.gradient(z, {"a": x, "b": [x]})
    assert float(res["a"]) == pytest.approx(108.0) and float(res["b"][0]) == pytest.approx(108.0)


def test_linear_regression_step_matches_numpy(rng):
    # The spec's end-to-end example (document 001): one `train_on_batch` step.
    x = rng.standard_normal((16, 2)).astype(np.float32)
    y = rng.standard_normal((16, 1)).astype(np.float32)
    w0 = rng.uniform(size=(2, 1)).astype(np.float32)
    w, b = tf.Variable(w0), tf.Variable(tf.zeros(shape=(1,)))
    lr = 0.01
    with tf.GradientTape() as tape:
        predictions = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.square(y - predictions))
        dloss_dw, dloss_db = tape.gradient(loss, [w, b])
    w.assign_sub(lr * dloss_dw)
    b.assign_sub(lr * dloss_db)
    r = x @ w0 - y  # d/dp mean((y-p)^2) = 2 (p - y) / n
    np.testing.assert_allclose(dloss_dw.numpy(), 2 * x.T @ r / 16, rtol=1e-5)
    np.testing.assert_allclose(dloss_db.numpy(), 2 * r.sum(0) / 16, rtol=1e-5)
    np.testing.assert_allclose(w.numpy(), w0 - lr * 2 * x.T @ r / 16, rtol=1e-5)
    assert float(loss) == pytest.approx(float(np.mean(r ** 2)), rel=1e-5)
