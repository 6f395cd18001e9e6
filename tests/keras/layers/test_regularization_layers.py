"""Dropout family, GaussianNoise, ActivityRegularization: training-only behaviour."""
import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from layer_test_utils import check_layer

X = np.linspace(0.5, 1.5, 2 * 6 * 8).reshape(2, 6, 8).astype("float32")


def test_dropout():
    layer, _ = check_layer(layers.Dropout, {"rate": 0.5, "seed": 1}, X, (2, 6, 8),
                           training_changes_output=True, reference=lambda x, l: x)
    y = layer(tf.constant(X), training=True).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], X[kept] * 2, rtol=1e-6)
    assert 0.2 < kept.mean() < 0.8


def test_spatial_dropout_drops_whole_channels():
    check_layer(layers.SpatialDropout1D, {"rate": 0.5}, X, (2, 6, 8),
                training_changes_output=True, reference=lambda x, l: x)
    y = layers.SpatialDropout1D(0.5)(tf.constant(X), training=True).numpy()
    zero_cols = (y == 0).all(axis=1)
    assert ((y == 0) == zero_cols[:, None, :]).all()
    x4 = X.reshape(2, 2, 3, 8)
    y4 = layers.SpatialDropout2D(0.5)(tf.constant(x4), training=True).numpy()
    assert ((y4 == 0) == (y4 == 0).all(axis=(1, 2))[:, None, None, :]).all()
    x5 = X.reshape(2, 1, 2, 3, 8)
    y5 = layers.SpatialDropout3D(0.5)(tf.constant(x5), training=True).numpy()
    assert ((y5 == 0) == (y5 == 0).all(axis=(1, 2, 3))[:, None, None, None, :]).all()


def test_noise_layers():
    check_layer(layers.GaussianNoise, {"stddev": 0.1}, X, (2, 6, 8),
                training_changes_output=True, reference=lambda x, l: x)
    check_layer(layers.GaussianDropout, {"rate": 0.3}, X, (2, 6, 8),
                training_changes_output=True, reference=lambda x, l: x)
    layer, _ = check_layer(layers.AlphaDropout, {"rate": 0.3}, X, (2, 6, 8),
                           training_changes_output=True, reference=lambda x, l: x)


def test_activity_regularization_adds_mean_penalty():
    layer, y = check_layer(layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, X,
                           (2, 6, 8), reference=lambda x, l: x)
    layer(tf.constant(X))
    (loss,) = layer.losses
    expected = (0.1 * np.abs(X).sum() + 0.01 * (X ** 2).sum()) / 2
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)


def test_training_flag_propagates_from_model_to_dropout():
    inp = keras.Input(shape=(8,))
    out = layers.Dropout(0.5)(inp)
    model = keras.Model(inp, out)
    x = np.ones((4, 8), "float32")
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()
