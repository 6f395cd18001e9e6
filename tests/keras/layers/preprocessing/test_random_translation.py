import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_fixed_shift_moves_pixels():
    x = images((1, 8, 8, 1))
    layer = keras.layers.RandomTranslation((0.25, 0.25), (-0.125, -0.125),
                                           fill_mode="constant", fill_value=7.0)
    y = layer(x).numpy()[0, ..., 0]
    ref = np.full((8, 8), 7.0, np.float32)
    ref[2:, :7] = x[0, :6, 1:, 0]  # down by 2 rows, left by 1 column
    np.testing.assert_allclose(y, ref, atol=1e-4)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest"])
def test_fill_modes_keep_values_in_image_range(fill_mode):
    x = images((4, 6, 6, 3))
    y = check_image_layer(keras.layers.RandomTranslation(0.3, 0.3, fill_mode=fill_mode,
                                                         seed=1), x)
    assert y.min() >= x.min() - 1e-3 and y.max() <= x.max() + 1e-3


def test_bad_factor():
    with pytest.raises(ValueError, match=r"between \[-1, 1\]"):
        keras.layers.RandomTranslation(1.5, 0.1)
