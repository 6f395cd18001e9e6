import numpy as np
import pytest

import tapeflow as tf

from image_grad_check import check_gradient


def test_psnr_ssim_match_tensorflow(inputs, tf_ref):
    x, y, u8 = inputs["x"], inputs["noisy"], inputs["u8"]
    np.testing.assert_allclose(tf.image.psnr(x, y, 1.0), tf_ref["psnr"], rtol=1e-5)
    np.testing.assert_allclose(tf.image.ssim(x, y, 1.0, filter_size=5), tf_ref["ssim"],
                               atol=1e-5)
    np.testing.assert_allclose(tf.image.ssim(u8, u8 // 2, 255, filter_size=3),
                               tf_ref["ssim_u8"], atol=1e-5)
    got = tf.image.ssim_multiscale(inputs["big"], inputs["big2"], 1.0, filter_size=3,
                                   power_factors=(0.2, 0.3, 0.5))
    np.testing.assert_allclose(got, tf_ref["ssim_ms"], atol=1e-5)


def test_sobel_and_total_variation_match_tensorflow(inputs, tf_ref):
    x = inputs["x"]
    np.testing.assert_allclose(tf.image.sobel_edges(x), tf_ref["sobel"], atol=1e-5)
    np.testing.assert_allclose(tf.image.total_variation(x), tf_ref["tv"], rtol=1e-5)


def test_numpy_references():
    rng = np.random.RandomState(0)
    a, b = rng.rand(2, 5, 6, 3), rng.rand(2, 5, 6, 3)
    mse = ((a - b) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(tf.image.psnr(a.astype(np.float32), b.astype(np.float32), 1.0),
                               10 * np.log10(1 / mse), rtol=1e-5)
    tv = np.abs(np.diff(a, axis=1)).sum(axis=(1, 2, 3)) + \
        np.abs(np.diff(a, axis=2)).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(tf.image.total_variation(a), tv, rtol=1e-10)
    assert np.allclose(tf.image.ssim(a.astype(np.float32), a.astype(np.float32), 1.0,
                                     filter_size=3), 1.0)
    dy, dx = tf.image.image_gradients(a)
    np.testing.assert_allclose(dy.numpy()[:, :-1], np.diff(a, axis=1))
    np.testing.assert_allclose(dx.numpy()[:, :, :-1], np.diff(a, axis=2))


def test_ssim_gradient_matches_finite_differences():
    rng = np.random.RandomState(1)
    a0, b = rng.rand(1, 4, 4, 1), tf.constant(rng.rand(1, 4, 4, 1).astype(np.float32))

    def f(v):
        return tf.reduce_sum(tf.image.ssim(v, b, 1.0, filter_size=3))
    check_gradient(f, a0, eps=1e-3, atol=2e-3)


def test_bad_inputs():
    with pytest.raises(ValueError, match="filter_size"):
        tf.image.ssim(np.zeros((4, 4, 1), np.float32), np.zeros((4, 4, 1), np.float32), 1.0)
    with pytest.raises(TypeError, match="same dtype"):
        tf.image.psnr(np.zeros((4, 4, 1), np.float32), np.zeros((4, 4, 1)), 1.0)
