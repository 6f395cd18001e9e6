import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_width_drawn_in_range_and_resized():
    x = images((2, 6, 10, 3))
    layer = keras.layers.RandomWidth((0.0, 0.5), interpolation="nearest", seed=2)
    y = layer(x).numpy()
    assert y.shape[1] == 6 and 10 <= y.shape[2] <= 15
    np.testing.assert_allclose(y, tf.image.resize(x, [6, y.shape[2]], "nearest").numpy())
    check_image_layer(layer, x)


def test_bad_factor():
    with pytest.raises(ValueError, match="larger than -1"):
        keras.layers.RandomWidth((-2.0, 0.0))


def test_functional_model_with_random_sizes_saves_and_loads(tmp_path):
    inp = keras.Input((6, 6, 1))
    out = keras.layers.RandomWidth(0.3, seed=2)(keras.layers.RandomHeight(0.3, seed=1)(inp))
    assert out.shape.as_list() == [None, None, None, 1]
    model = keras.Model(inp, out)
    x = np.random.RandomState(0).rand(2, 6, 6, 1).astype(np.float32)
    model.save(tmp_path / "sizes.keras")
    loaded = keras.models.load_model(tmp_path / "sizes.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x)
    y = loaded(x, training=True).numpy()
    assert 4 <= y.shape[1] <= 7 and 4 <= y.shape[2] <= 7
