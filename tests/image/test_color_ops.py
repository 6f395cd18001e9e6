import colorsys

import numpy as np
import pytest

import tapeflow as tf

from image_grad_check import check_gradient


@pytest.fixture(scope="module")
def x(inputs):
    return inputs["x"]


def test_hsv_matches_colorsys(x):
    flat = x.reshape(-1, 3).astype(np.float64)
    ref = np.array([colorsys.rgb_to_hsv(*p) for p in flat]).reshape(x.shape)
    np.testing.assert_allclose(tf.image.rgb_to_hsv(x), ref, atol=1e-5)
    back = np.array([colorsys.hsv_to_rgb(*p) for p in flat]).reshape(x.shape)
    np.testing.assert_allclose(tf.image.hsv_to_rgb(x), back, atol=1e-5)
    np.testing.assert_allclose(tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)), x, atol=1e-5)


def test_yuv_yiq_grayscale(x, tf_ref):
    # BT.601 luma row; TF's chroma constants are rounded, hence 1e-4
    y = tf.image.rgb_to_yuv(x).numpy()
    np.testing.assert_allclose(y[..., 0], x @ np.array([0.299, 0.587, 0.114]), atol=1e-6)
    for name in ("rgb_to_yuv", "yuv_to_rgb", "rgb_to_yiq", "yiq_to_rgb", "rgb_to_hsv",
                 "hsv_to_rgb"):
        np.testing.assert_allclose(getattr(tf.image, name)(x), tf_ref[name], atol=1e-4)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(x)), x, atol=1e-5)
    gray = tf.image.rgb_to_grayscale(x).numpy()
    np.testing.assert_allclose(gray[..., 0], x @ np.array([0.2989, 0.5870, 0.1140]), atol=1e-6)


def test_adjustments_match_tensorflow(inputs, tf_ref):
    x, u8, I = inputs["x"], inputs["u8"], tf.image
    np.testing.assert_array_equal(I.rgb_to_grayscale(u8), tf_ref["gray_u8"])
    np.testing.assert_array_equal(I.adjust_brightness(u8, 0.3), tf_ref["brightness_u8"])
    np.testing.assert_allclose(I.adjust_contrast(x, 1.7), tf_ref["contrast"], atol=1e-6)
    np.testing.assert_allclose(I.adjust_contrast(u8, 1.7), tf_ref["contrast_u8"], atol=1)
    np.testing.assert_allclose(I.adjust_gamma(u8, 0.5, 1.2), tf_ref["gamma_u8"], atol=1)
    np.testing.assert_allclose(I.adjust_saturation(x, 0.4), tf_ref["saturation"], atol=1e-5)
    np.testing.assert_allclose(I.adjust_saturation(u8, 1.6), tf_ref["saturation_u8"], atol=1)
    np.testing.assert_allclose(I.adjust_hue(x, 0.3), tf_ref["hue"], atol=1e-5)
    np.testing.assert_allclose(I.adjust_hue(u8, -0.45), tf_ref["hue_u8"], atol=1)
    np.testing.assert_allclose(I.per_image_standardization(u8), tf_ref["standardize_u8"],
                               atol=1e-5)


def test_convert_image_dtype_matches_tensorflow(inputs, tf_ref):
    x, u8, I = inputs["x"], inputs["u8"], tf.image
    np.testing.assert_allclose(I.convert_image_dtype(u8, tf.float32), tf_ref["u8_to_f32"])
    np.testing.assert_array_equal(I.convert_image_dtype(x * 1.2 - 0.1, tf.uint8, saturate=True),
                                  tf_ref["f32_to_u8_sat"])
    np.testing.assert_array_equal(I.convert_image_dtype(u8, tf.int32), tf_ref["u8_to_i32"])
    np.testing.assert_array_equal(
        I.convert_image_dtype(tf.constant([[[70000, -5, 2 ** 31 - 1]]]), tf.uint8),
        tf_ref["i32_to_u8"])
    np.testing.assert_array_equal(I.convert_image_dtype(x, tf.int16), tf_ref["f32_to_i16"])


def test_documented_values():
    # TF docs: convert_image_dtype of uint8 [[[1, 2, 3]]] -> float [[[1/255, 2/255, 3/255]]]
    got = tf.image.convert_image_dtype(tf.constant([[[1, 2, 3]]], tf.uint8), tf.float32)
    np.testing.assert_allclose(got.numpy().ravel(), np.array([1, 2, 3]) / 255, rtol=1e-6)
    img = np.arange(1.0, 13.0).reshape(2, 2, 3)
    np.testing.assert_allclose(tf.image.adjust_brightness(img, 0.1), img + 0.1)
    mean = img.mean(axis=(0, 1))
    np.testing.assert_allclose(tf.image.adjust_contrast(img, 2.0), (img - mean) * 2 + mean)
    std = img.std()
    np.testing.assert_allclose(tf.image.per_image_standardization(img),
                               (img - img.mean()) / std, rtol=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError, match="last dimension must be 3"):
        tf.image.rgb_to_hsv(np.zeros((2, 2, 4), np.float32))
    with pytest.raises(ValueError, match="gamma"):
        tf.image.adjust_gamma(np.zeros((2, 2, 3), np.float32), -1.0)
    with pytest.raises(ValueError, match="delta"):
        tf.image.adjust_hue(np.zeros((2, 2, 3), np.float32), 1.5)


@pytest.mark.parametrize("fn", [lambda v: tf.image.adjust_saturation(v, 0.6),
                                lambda v: tf.image.adjust_hue(v, 0.2),
                                lambda v: tf.image.rgb_to_yiq(v),
                                lambda v: tf.image.adjust_contrast(v, 1.5)])
def test_gradients_match_finite_differences(fn):
    x0 = np.random.RandomState(5).uniform(0.1, 0.9, (1, 2, 3))
    wts = tf.constant(np.random.RandomState(6).rand(1, 2, 3).astype(np.float32))

    def f(v):
        return tf.reduce_sum(fn(v) * wts)
    check_gradient(f, x0, eps=1e-3, atol=5e-3)
