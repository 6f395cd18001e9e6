"""keras.activations against NumPy formulas; get/serialize/deserialize."""
import math

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import activations as A

X = np.array([[-3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 7.0]], dtype="float32")


def _sig(x):
    return 1 / (1 + np.exp(-x))


_ERF = np.vectorize(math.erf)

REFS = {
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": _sig,
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
    "log_softmax": lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True)),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "tanh": np.tanh,
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 *
                                                     (np.exp(x) - 1)),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "linear": lambda x: x,
    "swish": lambda x: x * _sig(x),
    "silu": lambda x: x * _sig(x),
    "gelu": lambda x: 0.5 * x * (1 + _ERF(x / np.sqrt(2))),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
}


@pytest.mark.parametrize("name", sorted(REFS))
def test_activation_values(name):
    fn = A.get(name)
    np.testing.assert_allclose(fn(tf.constant(X)).numpy(), REFS[name](X.astype("float64")),
                               rtol=2e-5, atol=2e-6)


def test_relu_options_and_elu_alpha():
    x = tf.constant(X)
    np.testing.assert_allclose(A.relu(x, alpha=0.1, max_value=2.0, threshold=0.5).numpy(),
                               np.where(X < 0.5, 0.1 * (X - 0.5), np.minimum(X, 2.0)),
                               rtol=1e-6)
    np.testing.assert_allclose(A.elu(x, alpha=2.0).numpy(),
                               np.where(X > 0, X, 2 * (np.exp(X) - 1)), rtol=1e-5)


def test_get_serialize_deserialize():
    assert A.get(None) is A.linear
    assert A.get("relu") is A.relu and A.get(A.tanh) is A.tanh
    assert A.serialize(A.softmax) == "softmax" and A.deserialize("gelu") is A.gelu
    with pytest.raises(ValueError, match=r"Unknown activation function: 'bogus'.*relu"):
        A.get("bogus")
    with pytest.raises(ValueError, match="1D"):
        A.softmax(tf.constant([1.0, 2.0]))


def test_activation_gradient_matches_formula():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(A.swish(x))
    s = _sig(X)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), s + X * s * (1 - s), rtol=1e-5)
