"""keras.backend helpers."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import backend as K


def test_settings():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    assert K.image_data_format() == "channels_last"
    K.set_floatx("float64")
    try:
        assert keras.layers.Dense(1)(tf.ones((1, 2))).dtype == tf.float64
    finally:
        K.set_floatx("float32")
    with pytest.raises(ValueError, match="floatx"):
        K.set_floatx("int8")


def test_int_shape_random_normal_clear_session():
    assert K.int_shape(tf.zeros((2, 3))) == (2, 3)
    assert K.int_shape(keras.Input(shape=(4,))) == (None, 4)
    tf.random.set_seed(7)
    v = K.random_normal((2000,), mean=1.0, stddev=2.0).numpy()
    assert v.dtype == np.float32 and abs(v.mean() - 1) < 0.15 and abs(v.std() - 2) < 0.15
    K.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert K.is_keras_tensor(keras.Input(shape=(1,))) and not K.is_keras_tensor(tf.ones(1))


def test_value_helpers_round_trip_numpy():
    v = tf.Variable(np.zeros((2, 2), np.float32))
    K.set_value(v, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(K.get_value(v), [[1, 2], [3, 4]])
    w = tf.Variable(0.0)
    K.batch_set_value([(v, np.ones((2, 2))), (w, 5.0)])
    got = K.batch_get_value([v, w])
    np.testing.assert_array_equal(got[0], np.ones((2, 2)))
    assert got[1] == 5.0 and K.eval(tf.constant(3)) == 3
    var = K.variable([1.0, 2.0], name="k")
    assert isinstance(var, tf.Variable) and var.dtype == tf.float32
    assert K.count_params(var) == 2 and K.ndim(var) == 1 and K.dtype(var) == "float32"


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), (-1, False)])
def test_reductions_match_numpy(axis, keepdims):
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    for name, ref in [("mean", np.mean), ("sum", np.sum), ("max", np.max), ("min", np.min),
                      ("prod", np.prod), ("var", np.var), ("std", np.std)]:
        got = getattr(K, name)(tf.constant(x), axis=axis, keepdims=keepdims).numpy()
        np.testing.assert_allclose(got, ref(x, axis=axis, keepdims=keepdims), rtol=1e-5,
                                   atol=1e-6, err_msg=name)


def test_elementwise_and_shape_helpers_match_numpy():
    x = np.array([[-1.0, 4.0], [9.0, 0.25]], np.float32)
    t = tf.constant(x)
    np.testing.assert_allclose(K.sqrt(t).numpy(), np.sqrt(np.maximum(x, 0)))
    np.testing.assert_allclose(K.clip(t, 0.0, 2.0).numpy(), np.clip(x, 0, 2))
    np.testing.assert_allclose(K.dot(t, t).numpy(), x @ x, rtol=1e-6)
    y = np.ones((2, 2, 3), np.float32)
    np.testing.assert_allclose(K.dot(tf.constant(y), tf.constant(np.ones((3, 5), np.float32)))
                               .numpy(), y @ np.ones((3, 5)))
    np.testing.assert_allclose(K.concatenate([t, t]).numpy(), np.concatenate([x, x], -1))
    np.testing.assert_allclose(K.softmax(t).numpy(),
                               np.exp(x) / np.exp(x).sum(-1, keepdims=True), rtol=1e-6)
    assert K.int_shape(K.expand_dims(t, 0)) == (1, 2, 2)
    np.testing.assert_array_equal(K.shape(t).numpy(), [2, 2])


def test_clear_session_drops_compiled_programs():
    f = tf.function(lambda x: x * 2.0 + 1.0)
    assert float(f(tf.constant(1.0))) == 3.0
    K.clear_session()
    assert float(f(tf.constant(2.0))) == 5.0  # still runs: programs recompile on demand
    assert keras.layers.Dense(1).name == "dense"
