"""map_fn, scan, foldl, foldr, vectorized_map: results and gradients, eager and compiled."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf


def both(fn):
    """The function run eagerly and compiled."""
    return [fn, tf.function(fn)]


@pytest.mark.parametrize("mode", [0, 1])
def test_map_fn_scan_folds_values(mode, rng):
    xv = rng.normal(size=(5, 3)).astype(np.float32)

    def f(x):
        return (tf.map_fn(lambda r: tf.reduce_sum(r * r), x),
                tf.map_fn(lambda r: tf.cast(r > 0, tf.int32), x, fn_output_signature=tf.int32),
                tf.scan(lambda a, r: a + r, x),
                tf.scan(lambda a, r: a * 0.5 + r, x, initializer=tf.zeros([3]), reverse=True),
                tf.foldl(lambda a, r: a - r, x, initializer=tf.ones([3])),
                tf.foldr(lambda a, r: a * 2.0 + r, x),
                tf.vectorized_map(lambda r: tf.reduce_max(r), x))
    m, mi, s, sr, fl, fr, vm = both(f)[mode](tf.constant(xv))
    np.testing.assert_allclose(m.numpy(), (xv * xv).sum(1), rtol=1e-5)
    np.testing.assert_array_equal(mi.numpy(), (xv > 0).astype(np.int32))
    np.testing.assert_allclose(s.numpy(), np.cumsum(xv, 0), rtol=1e-5)
    ref, a = np.zeros_like(xv), np.zeros(3, np.float32)
    for k in range(4, -1, -1):
        a = a * 0.5 + xv[k]
        ref[k] = a
    np.testing.assert_allclose(sr.numpy(), ref, rtol=1e-5)
    np.testing.assert_allclose(fl.numpy(), 1 - xv.sum(0), rtol=1e-5)
    a = xv[-1]
    for k in range(3, -1, -1):
        a = a * 2.0 + xv[k]
    np.testing.assert_allclose(fr.numpy(), a, rtol=1e-5)
    np.testing.assert_allclose(vm.numpy(), xv.max(1), rtol=1e-6)


@pytest.mark.parametrize("mode", [0, 1])
def test_map_fn_scan_fold_gradients(mode, rng):
    xv = rng.normal(size=(4, 3)).astype(np.float32)
    w = tf.Variable(rng.normal(size=(3,)).astype(np.float32))

    def f(x):
        m = tf.map_fn(lambda r: tf.reduce_sum(tf.sin(r) * w), x)
        s = tf.scan(lambda a, r: a * r, x)
        fl = tf.foldl(lambda a, r: a + r * r, x, initializer=tf.zeros([3]))
        return tf.reduce_sum(m) + tf.reduce_sum(s) + tf.reduce_sum(fl)

    def ref(x, w_):
        s = jnp.cumprod(x, axis=0)
        return jnp.sum(jnp.sin(x) @ w_) + jnp.sum(s) + jnp.sum(x * x)

    x = tf.constant(xv)
    fn = both(f)[mode]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    gx, gw = tape.gradient(y, [x, w])
    rx, rw = jax.grad(ref, argnums=(0, 1))(xv, w.numpy())
    assert float(y) == pytest.approx(float(ref(xv, w.numpy())), rel=1e-5)
    np.testing.assert_allclose(gx.numpy(), rx, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gw.numpy(), rw, rtol=1e-5, atol=1e-6)


def test_random_inside_compiled_loop_is_fresh():
    @tf.function
    def f():
        return tf.map_fn(lambda i: tf.random.uniform([]), tf.range(4, dtype=tf.float32))

    a, b = f().numpy(), f().numpy()
    assert len(set(a.tolist())) == 4 and not np.array_equal(a, b)
