import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_one_factor_in_range_per_call():
    x = images((2, 5, 5, 3), scale=100.0) + 50.0
    y = check_image_layer(keras.layers.RandomContrast((0.2, 0.6), seed=4), x)
    mean = x.mean(axis=(1, 2), keepdims=True)
    k = (y - mean) / (x - mean)
    assert 0.8 - 1e-3 <= k.min() and k.max() <= 1.6 + 1e-3
    np.testing.assert_allclose(k, k.flat[0], rtol=1e-3)


def test_output_is_clipped_to_255():
    x = np.array([[[[0.0], [255.0]]]], np.float32)
    y = keras.layers.RandomContrast((0.0, 1.0), seed=1)(x).numpy()
    assert y.min() >= 0 and y.max() <= 255


def test_bad_factor():
    with pytest.raises(ValueError, match="negative"):
        keras.layers.RandomContrast(-0.1)
