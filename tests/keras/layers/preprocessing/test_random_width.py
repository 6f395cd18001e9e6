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
