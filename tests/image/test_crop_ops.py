import numpy as np
import pytest

import tapeflow as tf


@pytest.fixture(scope="module")
def x(inputs):
    return inputs["x"]


def test_flips_rotations_transpose_match_numpy(x):
    np.testing.assert_array_equal(tf.image.flip_left_right(x), x[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(x), x[:, ::-1])
    np.testing.assert_array_equal(tf.image.transpose(x[0]), x[0].transpose(1, 0, 2))
    for k in range(-1, 5):
        np.testing.assert_array_equal(tf.image.rot90(x, k), np.rot90(x, k, axes=(1, 2)))
        np.testing.assert_array_equal(tf.image.rot90(x[0], k), np.rot90(x[0], k))


def test_bounding_boxes_match_numpy(x):
    np.testing.assert_array_equal(tf.image.crop_to_bounding_box(x, 2, 3, 4, 5),
                                  x[:, 2:6, 3:8])
    padded = tf.image.pad_to_bounding_box(x[0], 1, 2, 12, 16).numpy()
    ref = np.zeros((12, 16, 3), np.float32)
    ref[1:10, 2:15] = x[0]
    np.testing.assert_array_equal(padded, ref)


def test_central_crop_and_crop_or_pad_match_tensorflow(x, tf_ref):
    np.testing.assert_array_equal(tf.image.central_crop(x, 0.37), tf_ref["central_crop"])
    np.testing.assert_array_equal(tf.image.resize_with_crop_or_pad(x, 12, 6),
                                  tf_ref["crop_or_pad"])


def test_documented_central_crop_shape():
    # TF docs: a 4x4 image with central_fraction=0.5 keeps the middle 2x2
    img = np.arange(16.0).reshape(4, 4, 1)
    np.testing.assert_array_equal(tf.image.central_crop(img, 0.5).numpy()[..., 0],
                                  [[5, 6], [9, 10]])


def test_bad_boxes():
    with pytest.raises(ValueError, match="does not fit"):
        tf.image.crop_to_bounding_box(np.zeros((4, 4, 1)), 2, 0, 3, 4)
    with pytest.raises(ValueError, match="does not fit"):
        tf.image.pad_to_bounding_box(np.zeros((4, 4, 1)), 1, 0, 4, 4)
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(np.zeros((4, 4, 1)), 0.0)


def test_gradient_of_crop_and_flip_routes_back():
    x = tf.constant(np.random.RandomState(0).rand(1, 4, 5, 1).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.image.flip_left_right(tf.image.crop_to_bounding_box(x, 1, 1, 2, 3)))
    g = tape.gradient(y, x).numpy()[0, ..., 0]
    ref = np.zeros((4, 5))
    ref[1:3, 1:4] = 1
    np.testing.assert_array_equal(g, ref)
