"""Finite-difference gradient checks shared by the array-op tests (float64).

A gradient is checked through directional derivatives: for random directions v,
<tape gradient, v> must equal the central difference of the loss along v.
"""
import numpy as np

import tapeflow as tf


def _loss(f, xs, w):
    y = f(*xs)
    return tf.reduce_sum(y * w)


def directional(f, arrays, dirs, w, eps=1e-6):
    """Central difference of sum(f(*xs) * w) along the joint direction `dirs`."""
    hi = [tf.constant(a + eps * d) for a, d in zip(arrays, dirs)]
    lo = [tf.constant(a - eps * d) for a, d in zip(arrays, dirs)]
    return (float(_loss(f, hi, w)) - float(_loss(f, lo, w))) / (2 * eps)


def tape_grads(f, arrays, w):
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        loss = _loss(f, xs, w)
    return [np.asarray(g) if g is not None else None for g in tape.gradient(loss, xs)]


def check_grad(f, *arrays, seed=0, n_dirs=3):
    """Asserts <tape gradient, v> matches finite differences along random directions v."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    rng = np.random.default_rng(seed)
    y = f(*[tf.constant(a) for a in arrays])
    w = tf.constant(rng.normal(size=y.shape.as_list()))
    got = tape_grads(f, arrays, w)
    assert all(g is not None and g.shape == a.shape for g, a in zip(got, arrays))
    for _ in range(n_dirs):
        dirs = [rng.normal(size=a.shape) for a in arrays]
        want = directional(f, arrays, dirs, w)
        have = sum(float(np.sum(g * d)) for g, d in zip(got, dirs))
        np.testing.assert_allclose(have, want, rtol=1e-6, atol=1e-7)


def check_second_order(f, x, v, seed=0):
    """Hessian-vector product of sum(f(x) * w) against differences of the first gradient."""
    x = np.asarray(x, np.float64)
    v = np.asarray(v, np.float64)
    y = f(tf.constant(x))
    w = tf.constant(np.random.default_rng(seed).normal(size=y.shape.as_list()))

    def grad_at(a):
        return tape_grads(f, [a], w)[0]

    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = _loss(f, [xt], w)
        g = inner.gradient(loss, xt)
        gv = tf.reduce_sum(g * tf.constant(v))
    hv = np.asarray(outer.gradient(gv, xt))
    eps = 1e-5
    want = (grad_at(x + eps * v) - grad_at(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, want, atol=1e-5)
    return hv
