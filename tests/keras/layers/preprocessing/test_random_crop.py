import numpy as np

import tapeflow as tf
from tapeflow import keras

from image_layer_checks import check_image_layer, images


def _offsets(window, x):
    h, w = window.shape[1:3]
    return [(i, j) for i in range(x.shape[1] - h + 1) for j in range(x.shape[2] - w + 1)
            if np.array_equal(x[:, i:i + h, j:j + w], window)]


def test_training_crops_one_window_and_inference_resizes():
    x = images((2, 7, 9, 3))
    layer = keras.layers.RandomCrop(4, 5, seed=3)
    seen = set()
    for _ in range(6):
        y = layer(x).numpy()
        found = _offsets(y, x)
        assert len(found) == 1
        seen.add(found[0])
    assert len(seen) > 1
    # inference: smart_resize (7x9 -> centre 7x8 crop at the 4:5 aspect ratio -> 4x5)
    ref = tf.image.resize(x[:, :, 0:8], [4, 5]).numpy()
    np.testing.assert_allclose(layer(x, training=False).numpy(), ref, atol=1e-4)


def test_common_checks():
    x = images((2, 6, 6, 3))
    layer = keras.layers.RandomCrop(6, 6, seed=1)  # same size: a crop is the identity
    np.testing.assert_array_equal(check_image_layer(layer, x, random=False), x)
