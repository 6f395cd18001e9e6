import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_per_image_delta_within_factor():
    x = images((6, 4, 4, 3), scale=100.0) + 50.0
    y = check_image_layer(keras.layers.RandomBrightness(0.2, seed=3), x)
    delta = y - x
    for d in delta:
        np.testing.assert_allclose(d, d.flat[0], atol=1e-3)
        assert abs(d.flat[0]) <= 0.2 * 255 + 1e-3
    assert len({round(float(d.flat[0]), 3) for d in delta}) > 1


def test_value_range_clips():
    x = np.full((1, 2, 2, 1), 0.9, np.float32)
    y = keras.layers.RandomBrightness((0.5, 0.5), value_range=(0, 1))(x).numpy()
    np.testing.assert_allclose(y, 1.0)


def test_bad_factor():
    with pytest.raises(ValueError, match="factor"):
        keras.layers.RandomBrightness(1.5)
