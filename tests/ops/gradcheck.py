"""Gradient references for the op tests: jax.grad, finite differences, second order.

- `check_vs_jax(f, jf, *arrays)`: forward and tape gradient against a jax.numpy twin.
- `check_vs_numeric(f, *arrays)`: tape gradient against per-element central differences.
- `check_grad(f, *arrays)`: tape gradient against central differences along random
  directions (cheap for large inputs).
- `check_second_order(f, jf, x)`: nested tapes against jax; `check_hvp(f, x, v)`:
  a Hessian-vector product against differences of the first gradient.
- `numeric_complex_grad(nf, z)`: TF's complex-gradient convention, numerically.
All in float64; the loss is sum(f(*xs) * w) for fixed random weights w.
"""
import jax
import jax.numpy as jnp
import numpy as np

import tapeflow as tf


def weights(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def _loss(f, xs, w):
    return tf.reduce_sum(f(*xs) * tf.constant(w))


def tape_grads(f, arrays, w):
    """Tape gradients of sum(f(*xs) * w) w.r.t. each float64 array."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        loss = _loss(f, xs, w)
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
        return float(_loss(f, [tf.constant(v) for v in vals], w))

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


def tape_hvp(f, x, w, v):
    """Hessian of sum(f(x) * w) times v, from two nested tapes."""
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = _loss(f, [xt], w)
        gv = tf.reduce_sum(inner.gradient(loss, xt) * tf.constant(v))
    return np.asarray(outer.gradient(gv, xt))


def check_second_order(f, jf, x, seed=0, rtol=1e-6):
    """Gradient of sum(grad(sum(f(x) * w)) * v) with two nested tapes, against jax."""
    x = np.asarray(x, np.float64)
    w = weights(jax.eval_shape(jf, x).shape, seed)
    v = weights(x.shape, seed + 1)
    got = tape_hvp(f, x, w, v)
    g1 = jax.grad(lambda a: jnp.sum(jf(a) * w))
    want = jax.jit(jax.grad(lambda a: jnp.sum(g1(a) * v)))(x)
    np.testing.assert_allclose(got, np.asarray(want), rtol=rtol, atol=1e-9)


def directional(f, arrays, dirs, w, eps=1e-6):
    """Central difference of sum(f(*xs) * w) along the joint direction `dirs`."""
    hi = [tf.constant(a + eps * d) for a, d in zip(arrays, dirs)]
    lo = [tf.constant(a - eps * d) for a, d in zip(arrays, dirs)]
    return (float(_loss(f, hi, w)) - float(_loss(f, lo, w))) / (2 * eps)


def check_grad(f, *arrays, seed=0, n_dirs=3):
    """Asserts <tape gradient, v> matches finite differences along random directions v."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    rng = np.random.default_rng(seed)
    y = f(*[tf.constant(a) for a in arrays])
    w = rng.normal(size=y.shape.as_list())
    got = tape_grads(f, arrays, w)
    assert all(g is not None and g.shape == a.shape for g, a in zip(got, arrays))
    for _ in range(n_dirs):
        dirs = [rng.normal(size=a.shape) for a in arrays]
        want = directional(f, arrays, dirs, w)
        have = sum(float(np.sum(g * d)) for g, d in zip(got, dirs))
        np.testing.assert_allclose(have, want, rtol=1e-6, atol=1e-7)


def check_hvp(f, x, v, seed=0):
    """Hessian-vector product of sum(f(x) * w) against differences of the first gradient."""
    x = np.asarray(x, np.float64)
    v = np.asarray(v, np.float64)
    y = f(tf.constant(x))
    w = weights(y.shape.as_list(), seed)

    def grad_at(a):
        return tape_grads(f, [a], w)[0]

    hv = tape_hvp(f, x, w, v)
    eps = 1e-5
    want = (grad_at(x + eps * v) - grad_at(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, want, atol=1e-5)
    return hv


def numeric_complex_grad(nf, z, eps=1e-6):
    """d sum(nf(z)) as TF defines it for complex z: dL/dRe + i dL/dIm (central differences)."""
    g = np.zeros_like(z)
    for j in range(z.size):
        d = np.zeros_like(z)
        d.flat[j] = eps
        dre = (nf(z + d).sum() - nf(z - d).sum()) / (2 * eps)
        dim = (nf(z + 1j * d).sum() - nf(z - 1j * d).sum()) / (2 * eps)
        g.flat[j] = dre + 1j * dim
    return g
