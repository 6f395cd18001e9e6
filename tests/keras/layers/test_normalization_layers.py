"""BatchNormalization, LayerNormalization, UnitNormalization against NumPy."""
import numpy as np

import tapeflow as tf
from tapeflow.keras import layers
from layer_test_utils import check_layer

X = (np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4) ** 1.3) / 10


def test_batch_normalization_inference_uses_moving_stats():
    def ref(x, layer):
        return (x - 0.0) / np.sqrt(1.0 + 1e-3)
    layer, _ = check_layer(layers.BatchNormalization, {}, X, (2, 3, 4), trainable=2,
                           non_trainable=2, reference=ref)
    names = [w.name.split("/")[-1] for w in layer.weights]
    assert names == ["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"]


def test_batch_normalization_training_updates_moving_stats_only_in_training():
    layer = layers.BatchNormalization(momentum=0.9)
    x = tf.constant(X)
    layer(x, training=False)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0)
    y = layer(x, training=True).numpy()
    mean, var = X.mean((0, 1)), X.var((0, 1))
    np.testing.assert_allclose(y, (X - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)
    layer.trainable = False  # frozen BN runs in inference mode
    before = layer.moving_mean.numpy().copy()
    layer(x, training=True)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_layer_normalization():
    def ref(x, layer):
        m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-3)
    check_layer(layers.LayerNormalization, {}, X, (2, 3, 4), trainable=2, reference=ref,
                atol=1e-4)


def test_unit_normalization():
    check_layer(layers.UnitNormalization, {}, X + 0.1, (2, 3, 4),
                reference=lambda x, l: x / np.linalg.norm(x, axis=-1, keepdims=True))
