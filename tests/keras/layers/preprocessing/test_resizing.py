import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

from image_layer_checks import check_image_layer, images


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area", "lanczos3",
                                    "gaussian"])
def test_matches_tf_image_resize(method):
    x = images((2, 9, 7, 3))
    layer = keras.layers.Resizing(4, 5, interpolation=method)
    y = check_image_layer(layer, x, random=False)
    np.testing.assert_allclose(y, tf.image.resize(x, [4, 5], method=method).numpy(),
                               atol=1e-4)
    assert layer.compute_output_shape([None, 9, 7, 3]).as_list() == [None, 4, 5, 3]


def test_crop_to_aspect_ratio_crops_the_centre_first():
    x = images((1, 6, 12, 1))
    y = keras.layers.Resizing(3, 3, crop_to_aspect_ratio=True)(x).numpy()
    np.testing.assert_allclose(y, tf.image.resize(x[:, :, 3:9], [3, 3]).numpy(), atol=1e-5)


def test_bad_interpolation():
    with pytest.raises(NotImplementedError, match="interpolation"):
        keras.layers.Resizing(2, 2, interpolation="cubic")
