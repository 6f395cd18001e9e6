"""Eager Layer.__call__ fast paths keep tf.keras behaviour: NumPy inputs are copied
(never aliased), floats cast to the compute dtype, and an input spec that passed
once still rejects a different shape."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


def test_numpy_input_is_copied_and_cast():
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    out = keras.layers.Layer()(x)  # the base layer returns its (converted) input
    assert out.dtype == tf.float32
    x[0, 0] = 100.0
    np.testing.assert_array_equal(out.numpy(), np.arange(6).reshape(2, 3))
    x32 = np.ones((2, 3), np.float32)
    same = keras.layers.Layer()(x32)
    x32[:] = 5.0
    np.testing.assert_array_equal(same.numpy(), np.ones((2, 3)))


def test_dense_on_numpy_matches_numpy_forward():
    layer = keras.layers.Dense(4, activation="relu")
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    out = layer(x).numpy()
    w, b = layer.get_weights()
    np.testing.assert_allclose(out, np.maximum(x @ w + b, 0), rtol=1e-6, atol=1e-6)
    ints = keras.layers.Embedding(10, 2)(np.array([[1, 2], [3, 9]], np.int64))
    assert ints.shape == (2, 2, 2)


def test_spec_checked_again_for_a_new_shape():
    layer = keras.layers.Dense(2)
    layer(np.ones((4, 3), np.float32))
    layer(np.ones((7, 3), np.float32))
    for _ in range(2):
        with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
            layer(np.ones((4, 5), np.float32))
    layer(np.ones((4, 3), np.float32))
