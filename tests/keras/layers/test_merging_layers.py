"""Merge layers (class and functional forms) against NumPy."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

A = np.arange(6, dtype="float32").reshape(2, 3)
B = np.arange(6, 12, dtype="float32").reshape(2, 3) * -0.5


@pytest.mark.parametrize("cls,fn,ref", [
    (layers.Add, layers.add, lambda a, b: a + b),
    (layers.Subtract, layers.subtract, lambda a, b: a - b),
    (layers.Multiply, layers.multiply, lambda a, b: a * b),
    (layers.Average, layers.average, lambda a, b: (a + b) / 2),
    (layers.Maximum, layers.maximum, np.maximum),
    (layers.Minimum, layers.minimum, np.minimum),
])
def test_elementwise_merges(cls, fn, ref):
    out = cls()([tf.constant(A), tf.constant(B)])
    np.testing.assert_allclose(out.numpy(), ref(A, B), rtol=1e-6)
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    sym = fn([a, b])
    assert sym.shape.as_list() == [None, 3]
    model = keras.Model([a, b], sym)
    np.testing.assert_allclose(model([A, B]).numpy(), ref(A, B), rtol=1e-6)
    # gradient reaches both inputs
    ta, tb = tf.constant(A), tf.constant(B)
    with tf.GradientTape() as tape:
        tape.watch([ta, tb])
        s = tf.reduce_sum(cls()([ta, tb]))
    ga, gb = tape.gradient(s, [ta, tb])
    assert ga is not None and gb is not None


def test_concatenate_and_shape_errors():
    out = layers.Concatenate()([tf.constant(A), tf.constant(B)])
    np.testing.assert_array_equal(out.numpy(), np.concatenate([A, B], -1))
    out0 = layers.concatenate([tf.constant(A), tf.constant(B)], axis=0)
    assert out0.shape == (4, 3)
    with pytest.raises(ValueError, match="matching shapes"):
        layers.Concatenate()([tf.ones((2, 3)), tf.ones((3, 3))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([tf.ones((2, 3))] * 3)
    cfg = layers.Concatenate(axis=1).get_config()
    assert layers.Concatenate.from_config(cfg).axis == 1


def test_dot():
    out = layers.Dot(axes=1)([tf.constant(A), tf.constant(B)])
    np.testing.assert_allclose(out.numpy(), (A * B).sum(1, keepdims=True), rtol=1e-6)
    cos = layers.dot([tf.constant(A), tf.constant(B)], axes=1, normalize=True)
    ref = (A * B).sum(1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
    np.testing.assert_allclose(cos.numpy()[:, 0], ref, rtol=1e-5)
    x = np.ones((2, 3, 4), "float32")
    y = np.ones((2, 5, 4), "float32")
    assert layers.Dot(axes=(2, 2))([x, y]).shape == (2, 3, 5)


_REFERENCES = {
    "Add": lambda p, q: p + q, "Subtract": lambda p, q: p - q,
    "Multiply": lambda p, q: p * q, "Average": lambda p, q: (p + q) / 2,
    "Maximum": jnp.maximum, "Minimum": jnp.minimum,
    "Concatenate": lambda p, q: jnp.concatenate([p, q], axis=1),
    "Dot": lambda p, q: jnp.sum(p * q, axis=1, keepdims=True),
}


@pytest.mark.parametrize("cls,kwargs", [
    (layers.Add, {}), (layers.Subtract, {}), (layers.Multiply, {}), (layers.Average, {}),
    (layers.Maximum, {}), (layers.Minimum, {}), (layers.Concatenate, {"axis": 1}),
    (layers.Dot, {"axes": 1}),
])
def test_merge_values_and_gradients_vs_jax(cls, kwargs):
    ref = _REFERENCES[cls.__name__]
    w = np.random.default_rng(0).standard_normal(ref(A, B).shape).astype("float32")
    a, b = tf.constant(A), tf.constant(B)
    layer = cls(**kwargs)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = layer([a, b], training=True)
        loss = tf.reduce_sum(y * w)
    np.testing.assert_allclose(y.numpy(), ref(A, B), rtol=1e-5)
    np.testing.assert_allclose(layer([a, b], training=False).numpy(), y.numpy(), rtol=1e-6)
    ga, gb = tape.gradient(loss, [a, b])
    ja, jb = jax.grad(lambda p, q: jnp.sum(ref(p, q) * w), argnums=(0, 1))(A, B)
    np.testing.assert_allclose(ga.numpy(), ja, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb.numpy(), jb, rtol=1e-5, atol=1e-6)
    assert len(layer.weights) == 0


@pytest.mark.parametrize("cls,kwargs", [
    (layers.Add, {}), (layers.Subtract, {}), (layers.Multiply, {}), (layers.Average, {}),
    (layers.Maximum, {}), (layers.Minimum, {}), (layers.Concatenate, {"axis": 1}),
    (layers.Dot, {"axes": 1}),
])
def test_merge_shapes_config_and_compiled(cls, kwargs):
    a, b = tf.constant(A), tf.constant(B)
    layer = cls(**kwargs)
    y = layer([a, b])
    assert layer.compute_output_shape([(2, 3), (2, 3)]).as_list() == y.shape.as_list()
    clone = cls.from_config(layer.get_config())
    assert {k: v for k, v in clone.get_config().items() if k != "name"} == \
        {k: v for k, v in layer.get_config().items() if k != "name"}
    np.testing.assert_allclose(clone([a, b]).numpy(), y.numpy())
    compiled = tf.function(lambda p, q: layer([p, q]))
    np.testing.assert_allclose(compiled(a, b).numpy(), y.numpy(), rtol=1e-6)
    assert layer.weights == [] and layer([a, b], training=True).shape == y.shape


def test_input_layer():
    keras.backend.clear_session()
    layer = layers.InputLayer(input_shape=(3,), name="x")
    assert layer.output_shape == [(None, 3)] and layer.weights == []
    assert layer.get_config()["batch_input_shape"] == (None, 3)
    with pytest.raises(ValueError, match="shape"):
        keras.Input()
