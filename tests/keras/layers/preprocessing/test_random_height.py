import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_height_drawn_in_range_and_resized():
    x = images((2, 10, 6, 3))
    layer = keras.layers.RandomHeight((-0.5, 0.5), seed=2)
    heights = set()
    for _ in range(5):
        y = layer(x).numpy()
        assert y.shape[2] == 6 and 5 <= y.shape[1] <= 15
        heights.add(y.shape[1])
        np.testing.assert_allclose(y, tf.image.resize(x, [y.shape[1], 6]).numpy(), atol=1e-4)
    assert len(heights) > 1
    check_image_layer(layer, x)
    assert layer.compute_output_shape([None, 10, 6, 3]).as_list() == [None, None, 6, 3]


def test_compiled_call_explains_the_limit():
    f = tf.function(lambda t: keras.layers.RandomHeight(0.2)(t, training=True))
    with pytest.raises(ValueError, match="compiled"):
        f(tf.zeros([1, 4, 4, 1]))
