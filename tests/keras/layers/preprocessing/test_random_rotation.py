import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_quarter_turn_is_counter_clockwise_rot90():
    x = images((2, 6, 6, 3))
    y = keras.layers.RandomRotation((0.25, 0.25))(x).numpy()
    np.testing.assert_allclose(y, np.rot90(x, 1, axes=(1, 2)), atol=1e-3)


def test_random_angles_within_factor_and_fill_value():
    x = np.ones((4, 7, 7, 1), np.float32)
    layer = keras.layers.RandomRotation(0.1, fill_mode="constant", fill_value=-1.0, seed=1)
    y = check_image_layer(layer, x)
    assert y.shape == x.shape and y.min() >= -1.0 and y.max() <= 1.0 + 1e-6
    assert np.all(y[:, 3, 3] == 1.0)  # the centre stays put
    half = keras.layers.RandomRotation((0.5, 0.5), fill_mode="constant")(x[:1]).numpy()
    np.testing.assert_allclose(half, x[:1], atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="negative"):
        keras.layers.RandomRotation((0.3, 0.1))
    with pytest.raises(NotImplementedError, match="fill_mode"):
        keras.layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="interpolation"):
        keras.layers.RandomRotation(0.1, interpolation="bicubic")
