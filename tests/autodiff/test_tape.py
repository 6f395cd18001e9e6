"""GradientTape semantics, checked against calculus, NumPy and jax.jacobian."""
import logging

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


def test_gradient_matches_calculus(rng):
    a = rng.standard_normal((3, 4))
    x = tf.constant(a)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(tf.sin(x) * x ** 2, axis=-1)  # non-scalar target: summed
    ref = np.cos(a) * a ** 2 + 2 * a * np.sin(a)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), ref, rtol=1e-10)


def test_broadcasting_is_undone(rng):
    a, b, c = rng.standard_normal((2, 3)), rng.standard_normal((3,)), rng.standard_normal((4, 1, 1))
    x, y, z = tf.constant(a), tf.constant(b), tf.constant(c)
    with tf.GradientTape() as t:
        t.watch([x, y, z])
        w = (x * y + z) ** 2  # shape (4, 2, 3)
    gx, gy, gz = t.gradient(w, [x, y, z])
    d = 2 * (a * b + c)
    for g, r in zip((gx, gy, gz), ((d * b).sum(0), (d * a).sum((0, 1)), d.sum((1, 2), keepdims=True))):
        assert g.shape == r.shape
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-10)


def test_nested_sources_and_targets():
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, y])
        p, q = x * y, x * x
    g = t.gradient(p, {"b": (y,), "a": [x, {"z": x}]})
    assert float(g["a"][0]) == 3.0 and float(g["a"][1]["z"]) == 3.0 and float(g["b"][0]) == 2.0
    assert float(t.gradient([p, q], x)) == 3.0 + 4.0  # several targets: summed


def test_output_gradients():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    g = t.gradient(y, x, output_gradients=tf.constant([10.0, 100.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, 400.0])


def test_unconnected_gradients():
    x, z = tf.constant([1.0, 2.0]), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, z])
        y = x * 2.0
    assert t.gradient(y, z) is None
    g = t.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert g.numpy() == 0.0 and g.dtype is tf.float32
    assert t.gradient(y, [x, z], unconnected_gradients="zero")[1].numpy() == 0.0
    unwatched = tf.constant(1.0)
    assert t.gradient(y, unwatched) is None


def test_gradient_inside_and_after_the_block():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x ** 3
        inside = t.gradient(y, x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        y = x ** 3
    after = t2.gradient(y, x)
    assert float(inside) == float(after) == pytest.approx(27.0)


def test_non_persistent_second_call_raises_and_persistent_does_not():
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    t.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        t.gradient(y, x)
    with tf.GradientTape(persistent=True) as p:
        p.watch(x)
        y = x * x
    assert float(p.gradient(y, x)) == float(p.gradient(y, x)) == 2.0


def test_watch_accessed_variables_false():
    v, w = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(v)
        y = v * w
    gv, gw = t.gradient(y, [v, w])
    assert float(gv) == 3.0 and gw is None
    assert t.watched_variables() == (v,)


def test_stop_recording_and_stop_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x
        with t.stop_recording():
            z = y * x  # not recorded
        w = tf.stop_gradient(y) * x
    assert t.gradient(z, x) is None
    assert float(t.gradient(w, x)) == 4.0  # y treated as the constant 4


def test_reset():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        t.reset()
        t.watch(x)
        z = x * x * x
    assert float(t.gradient(z, x)) == 12.0
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        t.reset()
    assert t.gradient(y, x) is None


def test_integer_sources_get_none_with_a_warning(caplog):
    i = tf.constant(3)
    f = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(f)
        y = f * tf.cast(i, tf.float32)
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        gi, gf = t.gradient(y, [i, f])
    assert gi is None and float(gf) == 3.0
    assert "must be floating" in caplog.text


def test_third_order_with_nested_tapes():
    x0 = 0.7
    x = tf.constant(x0, tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.sin(x) * x ** 3
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    s, c = np.sin(x0), np.cos(x0)
    assert float(d1) == pytest.approx(c * x0 ** 3 + 3 * x0 ** 2 * s, rel=1e-10)
    assert float(d2) == pytest.approx(-s * x0 ** 3 + 6 * x0 ** 2 * c + 6 * x0 * s, rel=1e-10)
    assert float(d3) == pytest.approx(-c * x0 ** 3 - 9 * x0 ** 2 * s + 18 * x0 * c + 6 * s,
                                      rel=1e-10)


def test_persistent_tape_differentiates_its_own_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x * x
        dy = t.gradient(y, x)  # recorded on t itself, as in TF
    assert float(dy) == 27.0 and float(t.gradient(dy, x)) == 18.0


def test_multi_output_op_with_one_output_used():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as t:
        t.watch(x)
        a, b = tf.unstack(x)
        y = b * 2.0
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [[0.0, 0.0], [2.0, 2.0]])


def test_jacobian_matches_jax(rng):
    a = rng.standard_normal((2, 3))
    b = rng.standard_normal((3,))
    x, y = tf.constant(a), tf.constant(b)
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, y])
        z = tf.tanh(x * y)  # shape (2, 3)
    jx, jy = t.jacobian(z, [x, y])
    rx, ry = jax.jit(jax.jacobian(lambda p, q: jnp.tanh(p * q), argnums=(0, 1)))(a, b)
    assert jx.shape == (2, 3, 2, 3) and jy.shape == (2, 3, 3)
    np.testing.assert_allclose(jx.numpy(), rx, rtol=1e-10)
    np.testing.assert_allclose(jy.numpy(), ry, rtol=1e-10)
    unrelated = tf.constant(1.0)
    assert t.jacobian(z, unrelated) is None
    assert t.jacobian(z, unrelated, unconnected_gradients="zero").shape == (2, 3)


def test_batch_jacobian_matches_jax(rng):
    a = rng.standard_normal((4, 3))
    w = rng.standard_normal((3, 2))
    x = tf.constant(a)
    with tf.GradientTape() as t:
        t.watch(x)
        z = tf.sigmoid(tf.matmul(x, tf.constant(w)))  # (4, 2), rows independent
    bj = t.batch_jacobian(z, x)
    full = jax.jit(jax.jacobian(lambda p: jax.nn.sigmoid(p @ w)))(a)  # (4, 2, 4, 3)
    ref = np.stack([full[i, :, i, :] for i in range(4)])
    assert bj.shape == (4, 2, 3)
    np.testing.assert_allclose(bj.numpy(), ref, rtol=1e-10)


def test_variable_used_twice_and_as_tensor_source():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        r1 = v.read_value()
        y = r1 * v + v  # v read three times
    np.testing.assert_allclose(t.gradient(y, v).numpy(), [3.0, 5.0])


def test_watch_rejects_non_tensors():
    with tf.GradientTape() as t:
        with pytest.raises(ValueError):
            t.watch("x")
