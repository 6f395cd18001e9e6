import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def _warp_nearest(img, zy, zx):
    """NumPy reference: output (y, x) reads input (z*(y - c) + c), nearest (halves away
    from zero, as TF), zero fill."""
    h, w = img.shape[:2]
    out = np.zeros_like(img)
    for y in range(h):
        for x in range(w):
            sy = zy * y + (h - 1) / 2 * (1 - zy)
            sx = zx * x + (w - 1) / 2 * (1 - zx)
            iy, ix = (int(np.sign(v) * np.floor(abs(v) + 0.5)) for v in (sy, sx))
            if 0 <= iy < h and 0 <= ix < w:
                out[y, x] = img[iy, ix]
    return out


def test_fixed_zoom_matches_numpy_warp():
    x = images((1, 9, 9, 2))
    layer = keras.layers.RandomZoom((0.5, 0.5), (-0.5, -0.5), fill_mode="constant",
                                    interpolation="nearest")
    np.testing.assert_allclose(layer(x).numpy()[0], _warp_nearest(x[0], 1.5, 0.5), atol=1e-5)


def test_random_zoom_common_checks():
    x = images((3, 8, 8, 3))
    y = check_image_layer(keras.layers.RandomZoom(0.3, seed=5), x)
    assert y.shape == x.shape and not np.allclose(y, x)


def test_bad_factor():
    with pytest.raises(ValueError, match="larger than -1"):
        keras.layers.RandomZoom((-1.5, 0.1))
