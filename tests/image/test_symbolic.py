import numpy as np

import tapeflow as tf
from tapeflow import keras


def test_image_ops_in_functional_models():
    inp = keras.Input((8, 8, 3))
    y = tf.image.resize(inp, [4, 4], method="bicubic")
    z = tf.image.rgb_to_grayscale(tf.image.flip_left_right(y))
    assert y.shape.as_list() == [None, 4, 4, 3] and z.shape.as_list() == [None, 4, 4, 1]
    model = keras.Model(inp, z)
    x = np.random.RandomState(0).rand(2, 8, 8, 3).astype(np.float32)
    ref = tf.image.rgb_to_grayscale(tf.image.flip_left_right(
        tf.image.resize(x, [4, 4], method="bicubic")))
    np.testing.assert_allclose(model(x).numpy(), ref.numpy(), atol=1e-6)
