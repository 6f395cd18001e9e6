"""Mixed-precision layers: float32 weights, float16/bfloat16 compute (tf.keras 2.15 rules)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import mixed_precision as mp


@pytest.fixture
def mixed():
    mp.set_global_policy("mixed_float16")
    yield
    mp.set_global_policy(None)


def test_global_policy_drives_new_layers(mixed):
    assert mp.global_policy().name == "mixed_float16"
    layer = keras.layers.Dense(3, kernel_initializer="ones")
    x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
    y = layer(x)
    assert (layer.dtype, layer.compute_dtype, layer.variable_dtype) == \
        ("float32", "float16", "float32")
    assert layer.dtype_policy == mp.Policy("mixed_float16")
    assert isinstance(layer.kernel, mp.AutoCastVariable) and layer.kernel.dtype == tf.float32
    assert y.dtype == tf.float16
    ref = x.astype(np.float16) @ np.ones((4, 3), np.float16)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-3)
    assert layer.kernel.value().dtype == tf.float32  # outside `call`: float32


def test_gradients_reach_float32_weights(mixed):
    layer = keras.layers.Dense(2)
    x = tf.ones((3, 4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.cast(layer(x), tf.float32))
    grads = tape.gradient(loss, layer.trainable_variables)
    assert [g.dtype for g in grads] == [tf.float32, tf.float32]
    np.testing.assert_allclose(grads[0].numpy(), np.full((4, 2), 3.0))
    np.testing.assert_allclose(grads[1].numpy(), np.full((2,), 3.0))


def test_float32_override_and_batchnorm_statistics(mixed):
    act = keras.layers.Activation("softmax", dtype="float32")
    assert act(tf.ones((1, 3), tf.float16)).dtype == tf.float32
    bn = keras.layers.BatchNormalization()
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype(np.float32)
    out = bn(x, training=True)
    assert out.dtype == tf.float16 and bn.moving_mean.dtype == tf.float32
    assert not isinstance(bn.moving_mean, mp.AutoCastVariable)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * x.mean(0), rtol=2e-3)


def test_explicit_bfloat16_policy_and_config_round_trip():
    layer = keras.layers.Dense(2, dtype="mixed_bfloat16")
    assert layer(tf.ones((1, 2))).dtype == tf.bfloat16 and layer.kernel.dtype == tf.float32
    config = layer.get_config()
    assert config["dtype"] == {"class_name": "Policy", "config": {"name": "mixed_bfloat16"}}
    again = keras.layers.Dense.from_config(config)
    assert again.dtype_policy.name == "mixed_bfloat16"
    assert keras.layers.Dense(2).get_config()["dtype"] == "float32"


def test_set_global_policy_rejects_integer_policies():
    with pytest.raises(ValueError, match="floating-point"):
        mp.set_global_policy("int32")
    assert mp.global_policy().name == "float32"
