"""Gradient references for the math-op tests: jax.grad and finite differences."""
import jax
import jax.numpy as jnp
import numpy as np

import tapeflow as tf


def weights(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def tape_grads(f, arrays, w):
    """Tape gradients of sum(f(*xs) * w) w.r.t. each float64 array."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        loss = tf.reduce_sum(f(*xs) * tf.constant(w))
    return [None if g is None else np.asarray(g) for g in tape.gradient(loss, xs)]


def check_vs_jax(f, jf, *arrays, seed=0, rtol=1e-7, atol=1e-9):
    """Forward and gradient of tapeflow `f` against the jax.numpy function `jf`."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    want = np.asarray(jax.jit(jf)(*arrays))  # jit: one compile instead of one per primitive
    got = f(*[tf.constant(a) for a in arrays])
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=atol)
    w = weights(want.shape, seed)
    ref = jax.jit(jax.grad(lambda *a: jnp.sum(jf(*a) * w),
                           argnums=tuple(range(len(arrays)))))(*arrays)
    for g, r in zip(tape_grads(f, arrays, w), ref):
        assert g is not None and g.shape == r.shape
        np.testing.assert_allclose(g, np.asarray(r), rtol=rtol * 10, atol=atol * 10)


def check_vs_numeric(f, *arrays, seed=0, eps=1e-6, atol=1e-6):
    """Gradient of `f` against central finite differences (float64)."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    w = weights(np.asarray(f(*[tf.constant(a) for a in arrays])).shape, seed)

    def loss(vals):
        return float(tf.reduce_sum(f(*[tf.constant(v) for v in vals]) * tf.constant(w)))

    got = tape_grads(f, arrays, w)
    for i, a in enumerate(arrays):
        num = np.zeros_like(a)
        for j in range(a.size):
            d = np.zeros_like(a)
            d.flat[j] = eps
            hi = [b + d if k == i else b for k, b in enumerate(arrays)]
            lo = [b - d if k == i else b for k, b in enumerate(arrays)]
            num.flat[j] = (loss(hi) - loss(lo)) / (2 * eps)
        assert got[i] is not None
        np.testing.assert_allclose(got[i], num, atol=atol, rtol=1e-5)


def check_second_order(f, jf, x, seed=0, rtol=1e-6):
    """Gradient of sum(grad(sum(f(x) * w)) * v) with two nested tapes, against jax."""
    x = np.asarray(x, np.float64)
    w = weights(jax.eval_shape(jf, x).shape, seed)
    v = weights(x.shape, seed + 1)
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = tf.reduce_sum(f(xt) * tf.constant(w))
        g = inner.gradient(loss, xt)
        gv = tf.reduce_sum(g * tf.constant(v))
    got = np.asarray(outer.gradient(gv, xt))
    g1 = jax.grad(lambda a: jnp.sum(jf(a) * w))
    want = jax.jit(jax.grad(lambda a: jnp.sum(g1(a) * v)))(x)
    np.testing.assert_allclose(got, np.asarray(want), rtol=rtol, atol=1e-9)
