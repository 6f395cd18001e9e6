"""Discretization: TF's documented buckets, quantile adapt, encodings and errors."""
import numpy as np
import pytest


import tapeflow as tf
from tapeflow import keras
from tf_peer import tf_eval

DATA = [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]


def test_documented_boundaries():
    layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    np.testing.assert_array_equal(layer(DATA).numpy(), [[0, 2, 3, 1], [1, 3, 2, 1]])
    assert layer(DATA).dtype == tf.int64


def test_adapt_quantile_summaries_hand_computed():
    # 8 values, one batch: the summary is the sorted values (weight 1 each); 4 bins take
    # the values at cumulative weight 25 %, 50 %, 75 %.
    layer = keras.layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(DATA)
    np.testing.assert_allclose(layer.bin_boundaries, [0.0, 0.5, 1.3], rtol=1e-6)
    np.testing.assert_array_equal(layer(DATA).numpy(), [[0, 2, 3, 2], [1, 3, 3, 1]])
    # 0..9: cumulative weight 1/3 of 10 falls a third of the way from 2 to 3
    thirds = keras.layers.Discretization(num_bins=3)
    thirds.adapt(np.arange(10.0))
    np.testing.assert_allclose(thirds.bin_boundaries, [7 / 3, 17 / 3], rtol=1e-6)


def test_adapt_against_tensorflow():
    x = np.random.default_rng(0).normal(size=300).round(3).tolist()
    ref = tf_eval(f"""
l = tf.keras.layers.Discretization(num_bins=5); l.adapt(np.array({x!r}))
m = tf.keras.layers.Discretization(num_bins=3, epsilon=0.1); m.adapt(np.arange(100.0))
print(json.dumps([list(l.bin_boundaries), list(m.bin_boundaries)]))
""")
    layer = keras.layers.Discretization(num_bins=5)
    layer.adapt(np.array(x))
    coarse = keras.layers.Discretization(num_bins=3, epsilon=0.1)
    coarse.adapt(np.arange(100.0))
    np.testing.assert_allclose(layer.bin_boundaries, ref[0], rtol=1e-6)
    np.testing.assert_allclose(coarse.bin_boundaries, ref[1], rtol=1e-6)


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
