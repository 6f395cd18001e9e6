import numpy as np
import pytest

import tapeflow as tf

from image_grad_check import check_gradient
from tf_reference import METHODS, SIZES


@pytest.fixture(scope="module")
def image(inputs):
    return inputs["x"]


@pytest.mark.parametrize("method", METHODS)
def test_matches_tensorflow(method, image, tf_ref):
    for aa in (False, True):
        for h, w in SIZES:
            got = tf.image.resize(image, [h, w], method=method, antialias=aa).numpy()
            np.testing.assert_allclose(got, tf_ref[f"resize_{method}_{aa}_{h}x{w}"], atol=2e-6)


def test_preserve_aspect_ratio_and_pad_match_tensorflow(image, tf_ref):
    np.testing.assert_allclose(tf.image.resize(image, [20, 11], preserve_aspect_ratio=True),
                               tf_ref["aspect"], atol=2e-6)
    np.testing.assert_allclose(tf.image.resize_with_pad(image, 11, 7), tf_ref["pad"], atol=2e-6)
    np.testing.assert_allclose(tf.image.resize_with_pad(image, 20, 40, method="nearest"),
                               tf_ref["pad_nn"], atol=2e-6)


@pytest.mark.parametrize("method,pil_name", [("bilinear", "BILINEAR"), ("bicubic", "BICUBIC"),
                                             ("lanczos3", "LANCZOS")])
def test_antialiased_downscale_matches_pillow(method, pil_name):
    Image = pytest.importorskip("PIL.Image")
    a = np.random.RandomState(1).rand(23, 31).astype(np.float32)
    ref = np.asarray(Image.fromarray(a, "F").resize((12, 7), getattr(Image, pil_name)))
    got = tf.image.resize(a[..., None], [7, 12], method=method, antialias=True).numpy()[..., 0]
    np.testing.assert_allclose(got, ref, atol=1e-4)


def test_bilinear_upscale_half_pixel_centres_numpy():
    a = np.random.RandomState(2).rand(5, 4).astype(np.float32)
    h, w = 11, 7

    def coords(n_out, n_in):
        c = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(c).astype(int)
        return lo, np.minimum(lo + 1, n_in - 1), c - lo
    y0, y1, fy = coords(h, 5)
    x0, x1, fx = coords(w, 4)
    top = a[y0][:, x0] * (1 - fx) + a[y0][:, x1] * fx
    bot = a[y1][:, x0] * (1 - fx) + a[y1][:, x1] * fx
    ref = top * (1 - fy[:, None]) + bot * fy[:, None]
    got = tf.image.resize(a[..., None], [h, w]).numpy()[..., 0]
    np.testing.assert_allclose(got, ref, atol=1e-6)


def test_dtypes_and_shapes():
    u8 = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    assert tf.image.resize(u8, [2, 2], method="nearest").dtype == tf.uint8
    assert tf.image.resize(u8, [2, 2]).dtype == tf.float32
    assert tf.image.resize(u8.astype(np.float64), [2, 2]).dtype == tf.float32
    # TF's documented example: [10, 20] fits in [6, 6] as [3, 6]
    assert tf.image.resize(np.zeros((10, 20, 3)), [6, 6],
                           preserve_aspect_ratio=True).shape == [3, 6, 3]
    np.testing.assert_array_equal(tf.image.resize(u8, [8, 8], method="nearest").numpy(),
                                  u8.repeat(2, 0).repeat(2, 1))


def test_bad_arguments():
    with pytest.raises(ValueError, match="Resize method is not implemented"):
        tf.image.resize(np.zeros((4, 4, 1)), [2, 2], method="cubic")
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        tf.image.resize(np.zeros((4, 4)), [2, 2])
    with pytest.raises(ValueError, match="2 elements"):
        tf.image.resize(np.zeros((4, 4, 1)), [2, 2, 2])


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "nearest", "area"])
def test_gradient_matches_finite_differences(method):
    x0 = np.random.RandomState(3).rand(1, 3, 4, 1)
    wts = tf.constant(np.random.RandomState(4).rand(1, 5, 3, 1).astype(np.float32))

    def f(v):
        return tf.reduce_sum(tf.image.resize(v, [5, 3], method=method) * wts)
    check_gradient(f, x0, eps=1e-2, atol=2e-3)


def test_compiled_matches_eager(image):
    f = tf.function(lambda v: tf.image.resize(v, [5, 7], method="bicubic"))
    np.testing.assert_allclose(f(tf.constant(image)).numpy(),
                               tf.image.resize(image, [5, 7], method="bicubic").numpy(),
                               atol=1e-6)
