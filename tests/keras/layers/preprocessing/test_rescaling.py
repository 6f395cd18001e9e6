import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_scale_and_offset_match_numpy():
    x = images()
    layer = keras.layers.Rescaling(1 / 127.5, offset=-1)
    check_image_layer(layer, x, random=False)
    np.testing.assert_allclose(layer(x).numpy(), x / 127.5 - 1, rtol=1e-6, atol=1e-6)


def test_uint8_and_per_channel_scale():
    x = (np.arange(12) * 20).astype(np.uint8).reshape(1, 2, 2, 3)
    y = keras.layers.Rescaling([1.0, 0.5, 0.25])(x)
    assert y.dtype.name == "float32"
    np.testing.assert_allclose(y.numpy(), x * np.array([1.0, 0.5, 0.25]))


def test_strings_are_refused():
    with pytest.raises(ValueError, match="numeric"):
        keras.layers.Rescaling(2.0)(np.array([b"a"], dtype=object))
