"""reduction_ops: std/variance/logsumexp/norms, count_nonzero, norm clipping."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from gradcheck import check_second_order, check_vs_jax, check_vs_numeric, tape_grads

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(3)


def _ax(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _enorm(v, axis, keepdims):
    return jnp.sqrt(jnp.sum(v * v, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("f,jf,axis,keepdims", [
    (tf.math.reduce_variance, jnp.var, None, False), (tf.math.reduce_variance, jnp.var, 1, True),
    (tf.math.reduce_std, jnp.std, [0, 2], False),
    (tf.reduce_logsumexp, jax.scipy.special.logsumexp, -1, False),
    (tf.reduce_logsumexp, jax.scipy.special.logsumexp, [0, 2], True),
    (tf.math.reduce_euclidean_norm, _enorm, 1, False)])
def test_reductions_forward_and_grad(f, jf, axis, keepdims):
    x = R.normal(size=(2, 3, 4))
    check_vs_jax(lambda t: f(t, axis=axis, keepdims=keepdims),
                 lambda t: jf(t, axis=_ax(axis), keepdims=keepdims), x)


def test_reduce_logsumexp_is_stable_and_second_order():
    big = np.array([1000.0, 1000.0])
    np.testing.assert_allclose(tf.reduce_logsumexp(big).numpy(), 1000 + np.log(2))
    np.testing.assert_array_equal(tf.reduce_logsumexp(np.array([-np.inf, -np.inf])).numpy(),
                                  -np.inf)
    check_second_order(lambda t: tf.reduce_logsumexp(t, axis=1),
                       lambda t: jax.scipy.special.logsumexp(t, axis=1), R.normal(size=(2, 3)))
    check_second_order(tf.math.reduce_std, jnp.std, R.normal(size=(5,)))


def test_reduction_dtypes_and_errors():
    assert tf.math.reduce_variance(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy() == 1.25
    with pytest.raises(TypeError, match="real or complex"):
        tf.math.reduce_std(tf.constant([1, 2]))
    z = np.array([1 + 1j, 2 - 1j, -1j])
    np.testing.assert_allclose(tf.math.reduce_variance(z).numpy(), np.var(z))
    assert tf.math.reduce_euclidean_norm(tf.constant([3, 4, 1])).numpy() == 5  # truncated int
    with pytest.raises(InvalidArgumentError, match="Invalid reduction dimension"):
        tf.math.reduce_std(tf.ones([2]), axis=3)


def test_count_nonzero():
    x = np.array([[0, 1, 2], [0, 0, 3]])
    assert tf.math.count_nonzero(x).numpy() == 3
    assert tf.math.count_nonzero(x).dtype == tf.int64
    np.testing.assert_array_equal(tf.math.count_nonzero(x, axis=1, keepdims=True).numpy(),
                                  np.count_nonzero(x, axis=1, keepdims=True))
    assert tf.math.count_nonzero(tf.constant(["", "a", "b"])).numpy() == 2
    assert tf.math.count_nonzero(x, dtype=tf.int32).dtype == tf.int32


def _cumlogsumexp_ref(exclusive, reverse):
    def jf(v):
        v = jnp.flip(v, 1) if reverse else v
        if exclusive:
            v = jnp.concatenate([jnp.full((v.shape[0], 1), -jnp.inf), v[:, :-1]], axis=1)
        r = jax.lax.cumlogsumexp(v, axis=1)
        return jnp.flip(r, 1) if reverse else r
    return jf


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_logsumexp(exclusive, reverse):
    x = R.normal(size=(2, 4))
    jf = _cumlogsumexp_ref(exclusive, reverse)
    got = tf.math.cumulative_logsumexp(x, axis=1, exclusive=exclusive, reverse=reverse)
    np.testing.assert_allclose(got.numpy(), np.asarray(jf(x)), rtol=1e-12)
    # maximum() drops the exclusive -inf entry, which would make the loss inf - inf
    check_vs_numeric(lambda t: tf.maximum(
        tf.math.cumulative_logsumexp(t, 1, exclusive, reverse), -50.0), x)


def test_clip_by_norm_forward_grad_and_axes():
    np.testing.assert_allclose(tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0).numpy(), [0.6, 0.8])
    x = R.normal(size=(3, 4))
    norms = np.sqrt((x ** 2).sum(1, keepdims=True))
    want = x * 1.0 / np.maximum(norms, 1.0)
    np.testing.assert_allclose(tf.clip_by_norm(x, 1.0, axes=[1]).numpy(), want)
    np.testing.assert_array_equal(tf.clip_by_norm(np.zeros(3), 1.0).numpy(), np.zeros(3))
    check_vs_numeric(lambda t: tf.clip_by_norm(t, 1.0, axes=[1]), x)


def test_global_norm_and_clip_by_global_norm():
    a, b = R.normal(size=(2, 2)), R.normal(size=(3,))
    gn = np.sqrt((a ** 2).sum() + (b ** 2).sum())
    np.testing.assert_allclose(tf.math.global_norm([a, None, b]).numpy(), gn)
    clipped, norm = tf.clip_by_global_norm([a, None, b], 1.0)
    assert clipped[1] is None
    np.testing.assert_allclose(norm.numpy(), gn)
    np.testing.assert_allclose(clipped[0].numpy(), a / max(gn, 1.0))
    np.testing.assert_allclose(clipped[2].numpy(), b / max(gn, 1.0))
    same, _ = tf.clip_by_global_norm([a], 100.0)
    np.testing.assert_allclose(same[0].numpy(), a)
    bad, _ = tf.clip_by_global_norm([np.array([np.inf, 1.0])], 1.0)
    assert np.isnan(bad[0].numpy()).all()
    with pytest.raises(TypeError, match="sequence"):
        tf.clip_by_global_norm(tf.constant([1.0]), 1.0)


def test_clip_by_global_norm_grad():
    a, b = R.normal(size=(2,)) * 3, R.normal(size=(3,)) * 3

    def f(x, y):
        cl, _ = tf.clip_by_global_norm([x, y], 1.0)
        return tf.concat([cl[0], cl[1]], 0)

    def jf(x, y):
        n = jnp.sqrt(jnp.sum(x * x) + jnp.sum(y * y))
        s = 1.0 * jnp.minimum(1.0 / n, 1.0)
        return jnp.concatenate([x * s, y * s])
    check_vs_jax(f, jf, a, b)
    g = tape_grads(lambda x: tf.math.global_norm([x]), [np.array([3.0, 4.0])], np.array(1.0))
    np.testing.assert_allclose(g[0], [0.6, 0.8])
