"""Smaller tf.nn helpers vs NumPy (and a gradient check for LRN / crelu)."""
import numpy as np
import pytest

import tapeflow as tf


def test_l2_loss_crelu_zero_fraction():
    np.testing.assert_allclose(tf.nn.l2_loss(tf.constant([1.0, 2.0])).numpy(), 2.5)
    np.testing.assert_allclose(tf.nn.crelu(tf.constant([1.0, -2.0])).numpy(), [1, 0, 0, 2])
    np.testing.assert_allclose(tf.nn.zero_fraction(tf.constant([0, 1, 0, 2])).numpy(), 0.5)
    x = tf.constant([[1.0, -2.0]])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(tf.nn.crelu(x) * [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [[1.0, -4.0]])


def _np_lrn(x, r, bias, alpha, beta):
    c = x.shape[-1]
    out = np.empty_like(x)
    for d in range(c):
        s = np.sum(x[..., max(0, d - r):d + r + 1] ** 2, axis=-1)
        out[..., d] = x[..., d] / (bias + alpha * s) ** beta
    return out


def test_local_response_normalization_and_grad(rng):
    x = rng.standard_normal((2, 3, 3, 6))
    got = tf.nn.local_response_normalization(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75)
    np.testing.assert_allclose(got.numpy(), _np_lrn(x, 2, 1.5, 0.3, 0.75), rtol=1e-10)
    xt = tf.constant(x)
    r = rng.standard_normal(x.shape)
    with tf.GradientTape() as t:
        t.watch(xt)
        y = tf.reduce_sum(tf.nn.lrn(xt, 2, 1.5, 0.3, 0.75) * r)
    g = t.gradient(y, xt).numpy()
    eps, idx = 1e-6, (1, 2, 0, 3)
    xp, xm = x.copy(), x.copy()
    xp[idx] += eps
    xm[idx] -= eps
    fd = (np.sum(_np_lrn(xp, 2, 1.5, 0.3, 0.75) * r)
          - np.sum(_np_lrn(xm, 2, 1.5, 0.3, 0.75) * r)) / (2 * eps)
    np.testing.assert_allclose(g[idx], fd, rtol=1e-6)


def test_space_depth_roundtrip(rng):
    x = rng.standard_normal((1, 4, 6, 2))
    s = tf.nn.space_to_depth(x, 2).numpy()
    assert s.shape == (1, 2, 3, 8)
    np.testing.assert_allclose(s[0, 1, 2], x[0, 2:4, 4:6, :].reshape(-1))
    np.testing.assert_allclose(tf.nn.depth_to_space(s, 2).numpy(), x)
    with pytest.raises(tf.errors.InvalidArgumentError, match="divisible"):
        tf.nn.space_to_depth(tf.ones([1, 3, 4, 1]), 2)


def test_atrous_conv2d_is_dilated_conv(rng):
    x = rng.standard_normal((1, 7, 7, 2))
    w = rng.standard_normal((3, 3, 2, 1))
    want = np.zeros((1, 3, 3, 1))
    for i in range(3):
        for j in range(3):
            want[0, i, j, 0] = np.einsum("hwc,hwc->", x[0, i:i + 5:2, j:j + 5:2, :], w[..., 0])
    np.testing.assert_allclose(tf.nn.atrous_conv2d(x, w, 2, "VALID").numpy(), want,
                               rtol=1e-10)


def test_weighted_and_normalize_moments(rng):
    x = rng.standard_normal((5, 3))
    w = rng.uniform(0.5, 2, (5, 1))
    m, v = tf.nn.weighted_moments(x, [0], w)
    wm = np.sum(w * x, 0) / np.sum(w * np.ones_like(x), 0)
    np.testing.assert_allclose(m.numpy(), wm, rtol=1e-12)
    np.testing.assert_allclose(v.numpy(), np.sum(w * (x - wm) ** 2, 0) / w.sum(), rtol=1e-12)
    shift = 0.3
    m2, v2 = tf.nn.normalize_moments(5.0, np.sum(x - shift, 0), np.sum((x - shift) ** 2, 0),
                                     shift)
    np.testing.assert_allclose(m2.numpy(), x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(v2.numpy(), x.var(0), rtol=1e-10)
