import numpy as np
import pytest

import tapeflow as tf


def test_matches_tensorflow(inputs, tf_ref):
    x = inputs["x"]
    np.testing.assert_array_equal(
        tf.image.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 2, 1], "VALID"),
        tf_ref["patches_valid"])
    np.testing.assert_array_equal(
        tf.image.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME"),
        tf_ref["patches_same"])


def test_documented_example_and_gradient():
    # TF docs: 10x10 image of 1..100, 3x3 patches, strides 5, rates 1, VALID
    n = 10
    x = tf.constant(np.arange(1, n * n + 1, dtype=np.float32).reshape(1, n, n, 1))
    p = tf.image.extract_patches(x, [1, 3, 3, 1], [1, 5, 5, 1], [1, 1, 1, 1], "VALID")
    assert p.shape == [1, 2, 2, 9]
    assert p.numpy()[0, 0, 0].tolist() == [1, 2, 3, 11, 12, 13, 21, 22, 23]
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = tf.reduce_sum(tf.image.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1],
                                                   [1, 1, 1, 1], "VALID"))
    counts = np.ones((n, n))
    counts[1:-1] *= 2
    counts[:, 1:-1] *= 2
    np.testing.assert_array_equal(tape.gradient(s, x).numpy()[0, ..., 0], counts)


def test_bad_sizes():
    with pytest.raises(ValueError, match="sizes"):
        tf.image.extract_patches(np.zeros((1, 4, 4, 1)), [2, 2], [1, 1, 1, 1], [1, 1, 1, 1],
                                 "VALID")
