"""ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU and Softmax layers against NumPy."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layer_test_utils import check_layer  # noqa: E402

X = np.linspace(-3, 3, 24, dtype="float32").reshape(2, 3, 4) + 0.05


def _relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x > threshold, x, negative_slope * (x - threshold))
    return out if max_value is None else np.minimum(out, max_value)


@pytest.mark.parametrize("kwargs", [
    {}, {"max_value": 6.0}, {"negative_slope": 0.1}, {"threshold": 0.5},
    {"max_value": 2.0, "negative_slope": 0.2, "threshold": 1.0},
])
def test_relu(kwargs):
    check_layer(layers.ReLU, kwargs, X, reference=lambda a, _: _relu(a, **kwargs))


@pytest.mark.parametrize("cls,kwargs,ref", [
    (layers.LeakyReLU, {}, lambda a: np.where(a > 0, a, 0.3 * a)),
    (layers.LeakyReLU, {"alpha": 0.05}, lambda a: np.where(a > 0, a, 0.05 * a)),
    (layers.ELU, {}, lambda a: np.where(a > 0, a, np.expm1(a))),
    (layers.ELU, {"alpha": 0.5}, lambda a: np.where(a > 0, a, 0.5 * np.expm1(a))),
    (layers.ThresholdedReLU, {"theta": 0.7}, lambda a: np.where(a > 0.7, a, 0.0)),
])
def test_elementwise_activation_layers(cls, kwargs, ref):
    check_layer(cls, kwargs, X, reference=lambda a, _: ref(a), atol=1e-6)


def _softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_softmax(axis):
    ax = tuple(axis) if isinstance(axis, list) else axis
    check_layer(layers.Softmax, {"axis": axis}, X, reference=lambda a, _: _softmax(a, ax))


def test_softmax_mask():
    mask = np.array([[[1, 1, 0, 0]] * 3, [[1, 0, 1, 1]] * 3], bool)
    out = layers.Softmax()(tf.constant(X), mask=tf.constant(mask)).numpy()
    ref = _softmax(np.where(mask, X, -np.inf), -1)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-7)


def test_prelu_shared_axes_and_gradient():
    init = keras.initializers.RandomUniform(0.1, 0.5, seed=3)
    layer, _ = check_layer(layers.PReLU, {"alpha_initializer": init, "shared_axes": [1]}, X,
                           trainable=1)
    alpha, y = layer.alpha.numpy(), layer(tf.constant(X))
    assert alpha.shape == (1, 4)
    np.testing.assert_allclose(y.numpy(), np.where(X > 0, X, alpha * X), rtol=1e-5)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(tf.constant(X)))
    np.testing.assert_allclose(tape.gradient(loss, layer.alpha).numpy(),
                               np.minimum(X, 0).sum(axis=(0, 1), keepdims=True)[0],
                               rtol=1e-5)
    assert layers.PReLU()(tf.constant(X)).shape == X.shape
    full = layers.PReLU()
    full(tf.constant(X))
    assert full.alpha.shape == (3, 4)
    with pytest.raises(ValueError, match="expected axis 1 of input shape to have value 3"):
        full(tf.ones((2, 5, 4)))


def test_activation_layer_errors_and_configs():
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot be a negative"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope of a ReLU layer"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="alpha value of a Leaky ReLU layer cannot be None"):
        layers.LeakyReLU(alpha=None)
    with pytest.raises(ValueError, match="Received: -1"):
        layers.ThresholdedReLU(theta=-1)
    assert layers.ReLU(max_value=6).get_config()["max_value"] == 6.0
    assert layers.LeakyReLU().get_config()["alpha"] == pytest.approx(0.3)
    assert layers.ReLU().name.startswith("re_lu")
    assert layers.PReLU().name.startswith("p_re_lu")
    assert layers.PReLU(shared_axes=2).get_config()["shared_axes"] == [2]
