"""Discretization: TF's documented buckets, quantile adapt, encodings and errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

DATA = [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]


def test_documented_boundaries():
    layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    np.testing.assert_array_equal(layer(DATA).numpy(), [[0, 2, 3, 1], [1, 3, 2, 1]])
    assert layer(DATA).dtype == tf.int64


def test_documented_adapt():
    layer = keras.layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(DATA)
    assert layer.bin_boundaries == [0.0, 1.0, 3.0]
    np.testing.assert_array_equal(layer(DATA).numpy(), [[0, 2, 3, 1], [1, 3, 2, 1]])


def test_encodings_and_compiled():
    layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    np.testing.assert_array_equal(layer([-1.0, 0.5, 7.0]).numpy(), np.eye(3))
    count = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")
    np.testing.assert_array_equal(count([[-1.0, -2.0, 5.0]]).numpy(), [[2.0, 0.0, 1.0]])
    fn = tf.function(lambda x: layer(x))
    np.testing.assert_array_equal(fn(tf.constant([0.5, 2.0])).numpy(), [[0, 1, 0], [0, 0, 1]])


def test_errors():
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.Discretization(bin_boundaries=[0.0], output_mode="tf_idf")
    with pytest.raises(ValueError, match="sorted"):
        keras.layers.Discretization(bin_boundaries=[1.0, 0.0])
    with pytest.raises(ValueError, match="empty dataset"):
        keras.layers.Discretization(num_bins=2).adapt(np.zeros((0,)))
