import io

import numpy as np
import pytest

import tapeflow as tf

Image = pytest.importorskip("PIL.Image")


def test_png_round_trip_is_exact():
    a = (np.random.RandomState(0).rand(5, 7, 3) * 255).astype(np.uint8)
    png = tf.image.encode_png(a)
    assert png.dtype == tf.string
    np.testing.assert_array_equal(tf.image.decode_png(png).numpy(), a)
    np.testing.assert_array_equal(tf.image.decode_image(png).numpy(), a)
    gray = tf.image.decode_png(png, channels=1).numpy()
    np.testing.assert_array_equal(gray[..., 0], np.asarray(Image.fromarray(a).convert("L")))
    f = tf.image.decode_image(png, dtype=tf.float32).numpy()
    np.testing.assert_allclose(f, a / 255.0, rtol=1e-6)


def test_jpeg_matches_pillow():
    a = (np.random.RandomState(1).rand(8, 8, 3) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="JPEG", quality=90)
    ref = np.asarray(Image.open(io.BytesIO(buf.getvalue())))
    np.testing.assert_array_equal(tf.image.decode_jpeg(buf.getvalue()).numpy(), ref)
    smooth = np.stack(list(np.meshgrid(np.arange(16) * 15, np.arange(16) * 15)) +
                      [np.full((16, 16), 128)], -1).astype(np.uint8)
    enc = tf.image.encode_jpeg(smooth, quality=95)
    assert bool(tf.image.is_jpeg(enc)) and not bool(tf.image.is_jpeg(tf.image.encode_png(a)))
    assert np.abs(tf.image.decode_jpeg(enc).numpy().astype(int) - smooth).mean() < 3


def test_bad_contents():
    with pytest.raises(tf.errors.InvalidArgumentError, match="decode"):
        tf.image.decode_png(b"not an image")
    with pytest.raises(ValueError, match="channels"):
        tf.image.encode_png(np.zeros((2, 2, 5), np.uint8))
