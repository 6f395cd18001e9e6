import numpy as np

import tapeflow as tf
from tapeflow import keras

from image_layer_checks import check_image_layer, images


def test_crops_the_centre():
    x = images((2, 9, 8, 3))
    y = check_image_layer(keras.layers.CenterCrop(4, 5), x, random=False)
    np.testing.assert_array_equal(y, x[:, 2:6, 1:6])


def test_smaller_images_are_resized_to_the_target():
    x = images((1, 4, 8, 1))
    y = keras.layers.CenterCrop(6, 6)(x).numpy()
    np.testing.assert_allclose(y, tf.image.resize(x[:, :, 2:6], [6, 6]).numpy(), atol=1e-5)
