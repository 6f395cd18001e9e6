"""tf.nn activations, softmax family, losses, dropout, normalization, embeddings.

References: NumPy/SciPy formulas, jax.grad / jax.hessian-vector products and
TF's documented example values.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import erf as sp_erf

import tapeflow as tf


def _jgrad(f, argnums=0):
    """jax.grad of the reference, jitted (one compile instead of many eager ones)."""
    return jax.jit(jax.grad(f, argnums))


def _grad(fn, x):
    xt = tf.constant(x)
    with tf.GradientTape() as t:
        t.watch(xt)
        y = tf.reduce_sum(fn(xt))
    return t.gradient(y, xt).numpy()


def _second(fn, x, w):
    """d/dx <w, d/dx sum(fn(x))>: a Hessian-vector product through the tape."""
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            y = tf.reduce_sum(fn(xt))
        g = inner.gradient(y, xt)
        z = tf.reduce_sum(g * tf.constant(w))
    return outer.gradient(z, xt).numpy()


def _jax_second(fn, x, w):
    return np.asarray(_jgrad(lambda v: jnp.sum(_jgrad(lambda u: jnp.sum(fn(u)))(v) * w))(x))


# -- TF documented values ---------------------------------------------------------------


def test_relu6_and_relu_doc_values():
    np.testing.assert_allclose(tf.nn.relu6([-3.0, -1.0, 0.0, 6.0, 10.0]).numpy(),
                               [0, 0, 0, 6, 6])
    np.testing.assert_allclose(tf.nn.relu([-2.0, 0.0, 3.0]).numpy(), [0, 0, 3])


def test_gelu_doc_values():
    x = tf.constant([-3.0, -1.0, 0.0, 1.0, 3.0])
    np.testing.assert_allclose(tf.nn.gelu(x).numpy(),
                               [-0.00404951, -0.15865529, 0.0, 0.8413447, 2.9959507], atol=1e-6)
    np.testing.assert_allclose(tf.nn.gelu(x, approximate=True).numpy(),
                               [-0.00363752, -0.15880796, 0.0, 0.841192, 2.9963627], atol=1e-6)


def test_leaky_relu_default_alpha_and_l2_normalize_example():
    np.testing.assert_allclose(tf.nn.leaky_relu([-1.0, 2.0]).numpy(), [-0.2, 2.0])
    np.testing.assert_allclose(tf.nn.l2_normalize([3.0, 4.0]).numpy(), [0.6, 0.8], rtol=1e-6)


# -- activations vs NumPy and jax.grad --------------------------------------------------

_ACTS = {
    "elu": (tf.nn.elu, lambda v: jnp.where(v > 0, v, jnp.expm1(v))),
    "selu": (tf.nn.selu, jax.nn.selu),
    "gelu": (tf.nn.gelu, lambda v: jax.nn.gelu(v, approximate=False)),
    "gelu_tanh": (lambda v: tf.nn.gelu(v, approximate=True),
                  lambda v: jax.nn.gelu(v, approximate=True)),
    "silu": (tf.nn.silu, jax.nn.silu),
    "swish2": (lambda v: tf.nn.swish(v, beta=2.0), lambda v: v * jax.nn.sigmoid(2 * v)),
    "softplus": (tf.nn.softplus, jax.nn.softplus),
    "softsign": (tf.nn.softsign, lambda v: v / (1 + jnp.abs(v))),
    "leaky_relu": (lambda v: tf.nn.leaky_relu(v, 0.1), lambda v: jnp.where(v > 0, v, 0.1 * v)),
    "relu": (tf.nn.relu, jax.nn.relu),
    "relu6": (tf.nn.relu6, lambda v: jnp.clip(v, 0, 6)),
}


_SMOOTH = ["elu", "selu", "gelu", "gelu_tanh", "silu", "softplus", "softsign"]


def _act_inputs():
    r = np.random.default_rng(5)
    x = r.uniform(-4, 8, size=(3, 4))
    x[np.abs(x) < 0.05] = 0.3  # stay off kinks
    x[np.abs(x - 6) < 0.05] = 5.5
    return x, r.standard_normal((3, 4))


@functools.lru_cache(maxsize=None)
def _act_refs():
    """Every activation's value, gradient and Hessian-vector product from jax, in one jit."""
    def all_refs(x, w):
        res = {}
        for k, (_, ref) in _ACTS.items():
            g = jax.grad(lambda v, ref=ref: jnp.sum(ref(v)))
            res[k] = (ref(x), g(x), jax.grad(lambda v, g=g: jnp.sum(g(v) * w))(x))
        return res
    return jax.device_get(jax.jit(all_refs)(*_act_inputs()))


@pytest.mark.parametrize("name", sorted(_ACTS))
def test_activation_forward_grad_and_second_order(name):
    ours = _ACTS[name][0]
    x, w = _act_inputs()
    val, grad, hvp = _act_refs()[name]
    np.testing.assert_allclose(ours(tf.constant(x)).numpy(), val, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(_grad(ours, x), grad, rtol=1e-6, atol=1e-8)
    if name in _SMOOTH:  # relu-like ones have zero second derivative almost everywhere
        np.testing.assert_allclose(_second(ours, x, w), hvp, rtol=1e-6, atol=1e-8)


def test_gelu_exact_matches_scipy_erf(rng):
    x = rng.standard_normal(6)
    np.testing.assert_allclose(tf.nn.gelu(tf.constant(x)).numpy(),
                               0.5 * x * (1 + sp_erf(x / np.sqrt(2))), rtol=1e-12)


# -- softmax family -------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_log_softmax_forward_grad_second(axis, rng):
    x = rng.standard_normal((3, 4))
    w = rng.standard_normal((3, 4))
    for ours, ref in ((tf.nn.softmax, jax.nn.softmax), (tf.nn.log_softmax, jax.nn.log_softmax)):
        fn = lambda v: ours(v, axis=axis) * tf.constant(w)  # noqa: E731
        rf = lambda v: ref(v, axis=axis) * w  # noqa: E731
        np.testing.assert_allclose(ours(tf.constant(x), axis=axis).numpy(), ref(x, axis=axis),
                                   rtol=1e-12)
        np.testing.assert_allclose(_grad(fn, x), _jgrad(lambda v: jnp.sum(rf(v)))(x),
                                   rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(_second(fn, x, w), _jax_second(rf, x, w), rtol=1e-8,
                                   atol=1e-10)


def test_softmax_default_float32_and_rejects_int():
    y = tf.nn.softmax(tf.constant([[1.0, 2.0, 3.0]]))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy().sum(), 1.0, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Softmax"):
        tf.nn.softmax(tf.constant([1, 2]))


# -- cross-entropies ---------------------------------------------------------------------


def _ref_sigmoid_ce(z, x):
    return jnp.maximum(x, 0) - x * z + jnp.log1p(jnp.exp(-jnp.abs(x)))


def test_sigmoid_cross_entropy_forward_grads_second(rng):
    x = rng.standard_normal((3, 4)) * 3
    z = rng.uniform(0, 1, (3, 4))
    y = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=tf.constant(x))
    np.testing.assert_allclose(y.numpy(), -(z * np.log(1 / (1 + np.exp(-x)))
                                            + (1 - z) * np.log(1 - 1 / (1 + np.exp(-x)))),
                               rtol=1e-9)
    fn = lambda v: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=v)  # noqa: E731
    np.testing.assert_allclose(_grad(fn, x), 1 / (1 + np.exp(-x)) - z, rtol=1e-9)
    w = rng.standard_normal((3, 4))
    np.testing.assert_allclose(_second(fn, x, w), _jax_second(lambda v: _ref_sigmoid_ce(z, v),
                                                              x, w), rtol=1e-8)
    gz = _grad(lambda v: tf.nn.sigmoid_cross_entropy_with_logits(labels=v,
                                                                 logits=tf.constant(x)), z)
    np.testing.assert_allclose(gz, -x, rtol=1e-12)


def test_softmax_cross_entropy_forward_grads_second(rng):
    x = rng.standard_normal((3, 4))
    z = rng.dirichlet(np.ones(4), size=3)
    ref = lambda v: -jnp.sum(z * jax.nn.log_softmax(v), -1)  # noqa: E731
    fn = lambda v: tf.nn.softmax_cross_entropy_with_logits(z, v)  # noqa: E731
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), ref(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(fn, x), _jgrad(lambda v: jnp.sum(ref(v)))(x),
                               rtol=1e-10)
    w = rng.standard_normal((3, 4))
    np.testing.assert_allclose(_second(fn, x, w), _jax_second(ref, x, w), rtol=1e-8,
                               atol=1e-12)
    zt = tf.constant(z)
    with tf.GradientTape() as t:
        t.watch(zt)
        loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(zt, tf.constant(x)))
    np.testing.assert_allclose(t.gradient(loss, zt).numpy(), -jax.nn.log_softmax(x),
                               rtol=1e-12)


def test_softmax_cross_entropy_axis0(rng):
    x = rng.standard_normal((4, 2))
    z = rng.dirichlet(np.ones(4), size=2).T
    got = tf.nn.softmax_cross_entropy_with_logits(z, x, axis=0).numpy()
    np.testing.assert_allclose(got, -np.sum(z * jax.nn.log_softmax(x, axis=0), 0), rtol=1e-12)


def test_sparse_softmax_cross_entropy(rng):
    x = rng.standard_normal((3, 4)) * 10
    labels = np.array([0, 3, 1])
    ref = lambda v: -jax.nn.log_softmax(v)[np.arange(3), labels]  # noqa: E731
    fn = lambda v: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, v)  # noqa: E731
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), ref(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(fn, x), _jgrad(lambda v: jnp.sum(ref(v)))(x),
                               rtol=1e-10, atol=1e-14)
    w = rng.standard_normal((3, 4))
    np.testing.assert_allclose(_second(fn, x, w), _jax_second(ref, x, w), rtol=1e-8,
                               atol=1e-12)
    big = tf.constant([[1000.0, 0.0]])
    np.testing.assert_allclose(tf.nn.sparse_softmax_cross_entropy_with_logits([1], big).numpy(),
                               [1000.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="valid range"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([3], [[0.0, 1.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels shape"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([0, 1], [[0.0, 1.0]])


def test_weighted_cross_entropy_and_log_poisson(rng):
    x = rng.standard_normal(6) * 3
    z = rng.uniform(0, 1, 6)
    q = 2.5
    sig = 1 / (1 + np.exp(-x))
    want = -(q * z * np.log(sig) + (1 - z) * np.log(1 - sig))
    got = tf.nn.weighted_cross_entropy_with_logits(z, tf.constant(x), q).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-9)
    c = rng.standard_normal(5)
    t = np.array([0.0, 1.0, 2.0, 5.0, 3.0])
    np.testing.assert_allclose(tf.nn.log_poisson_loss(t, c).numpy(), np.exp(c) - t * c)
    full = np.exp(c) - t * c + np.where(t > 1, t * np.log(np.maximum(t, 1)) - t
                                        + 0.5 * np.log(2 * np.pi * np.maximum(t, 1)), 0)
    np.testing.assert_allclose(tf.nn.log_poisson_loss(t, c, compute_full_loss=True).numpy(),
                               full, rtol=1e-12)


# -- dropout, normalization, bias, embeddings, averaging ---------------------------------


def test_dropout_scales_kept_values():
    x = tf.ones([500, 4])
    y = tf.nn.dropout(x, rate=0.25, seed=3).numpy()
    assert set(np.unique(y).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    frac = (y == 0).mean()
    assert 0.2 < frac < 0.3
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(x, rate=1.5)


def test_dropout_noise_shape_and_gradient():
    x = tf.ones([500, 4])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.nn.dropout(x, rate=0.5, noise_shape=[None, 1])
    yv = y.numpy()
    assert all(len(set(row)) == 1 for row in yv.tolist())  # whole rows kept or dropped
    np.testing.assert_allclose(t.gradient(y, x).numpy(), yv)  # d y/dx = mask / (1 - rate)


def test_moments_and_batch_normalization(rng):
    x = rng.standard_normal((4, 3, 2))
    m, v = tf.nn.moments(tf.constant(x), axes=[0, 1])
    np.testing.assert_allclose(m.numpy(), x.mean((0, 1)), rtol=1e-12)
    np.testing.assert_allclose(v.numpy(), x.var((0, 1)), rtol=1e-12)
    m2, v2 = tf.nn.moments(tf.constant(x), axes=[0], keepdims=True)
    assert m2.shape == (1, 3, 2) and v2.shape == (1, 3, 2)
    off, sc = rng.standard_normal(2), rng.standard_normal(2)
    y = tf.nn.batch_normalization(x, m, v, off, sc, 1e-3).numpy()
    np.testing.assert_allclose(y, (x - x.mean((0, 1))) / np.sqrt(x.var((0, 1)) + 1e-3) * sc
                               + off, rtol=1e-10)
    ref = lambda u: (u - u.mean((0, 1))) / jnp.sqrt(u.var((0, 1)) + 1e-3)  # noqa: E731
    fn = lambda u: tf.nn.batch_normalization(  # noqa: E731
        u, *tf.nn.moments(u, axes=[0, 1]), None, None, 1e-3) * tf.constant(x)
    np.testing.assert_allclose(_grad(fn, x), _jgrad(lambda u: jnp.sum(ref(u) * x))(x),
                               rtol=1e-8, atol=1e-12)


def test_l2_normalize_axis_and_grad(rng):
    x = rng.standard_normal((3, 4))
    got = tf.nn.l2_normalize(tf.constant(x), axis=1).numpy()
    np.testing.assert_allclose(got, x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-12)
    r = rng.standard_normal((3, 4))
    ref = lambda u: u / jnp.linalg.norm(u, axis=1, keepdims=True) * r  # noqa: E731
    np.testing.assert_allclose(_grad(lambda u: tf.nn.l2_normalize(u, 1) * tf.constant(r), x),
                               _jgrad(lambda u: jnp.sum(ref(u)))(x), rtol=1e-9)


def test_bias_add_formats_and_errors(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    b5, b3 = rng.standard_normal(5), rng.standard_normal(3)
    np.testing.assert_allclose(tf.nn.bias_add(x, b5).numpy(), x + b5)
    np.testing.assert_allclose(tf.nn.bias_add(x, b3, data_format="NCHW").numpy(),
                               x + b3[:, None, None])
    bt = tf.constant(b3)
    with tf.GradientTape() as t:
        t.watch(bt)
        y = tf.reduce_sum(tf.nn.bias_add(x, bt, data_format="NCHW"))
    np.testing.assert_allclose(t.gradient(y, bt).numpy(), np.full(3, 2 * 4 * 5.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="BiasAdd"):
        tf.nn.bias_add(x, b3)


def test_embedding_lookup_forward_grad_and_max_norm(rng):
    p = rng.standard_normal((5, 3))
    ids = np.array([[4, 0], [4, 2]])
    np.testing.assert_allclose(tf.nn.embedding_lookup(p, ids).numpy(), p[ids])
    v = tf.Variable(p)
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.nn.embedding_lookup(v, ids) * 2.0)
    want = np.zeros_like(p)
    np.add.at(want, ids, 2.0)
    np.testing.assert_allclose(t.gradient(y, v).numpy(), want)
    clipped = tf.nn.embedding_lookup(p, [1], max_norm=0.5).numpy()
    norm = np.linalg.norm(p[1])
    np.testing.assert_allclose(clipped[0], p[1] * min(1.0, 0.5 / norm), rtol=1e-12)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        tf.nn.embedding_lookup(p, [5])


def test_compute_average_loss_and_scale_regularization():
    np.testing.assert_allclose(tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0]).numpy(), 2.5)
    got = tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], sample_weight=[1.0, 0.0, 1.0, 0.0],
                                     global_batch_size=8)
    np.testing.assert_allclose(got.numpy(), 0.5)
    np.testing.assert_allclose(tf.nn.scale_regularization_loss([1.0, 2.5]).numpy(), 3.5)
