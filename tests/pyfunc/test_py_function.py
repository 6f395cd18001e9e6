"""tf.py_function / tf.numpy_function eagerly and compiled, with gradients vs analytic."""
import numpy as np
import pytest

import tapeflow as tf


def test_eager_values_and_gradient():
    assert tf.py_function(lambda x: x * 2, [tf.constant(3.0)], tf.float32).numpy() == 6.0
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.py_function(lambda v: v ** 2, [x * 1.0], tf.float32)
    assert tape.gradient(y, x).numpy() == pytest.approx(6.0)
    sorted_ = tf.numpy_function(np.sort, [tf.constant([3, 1, 2])], tf.int32)
    assert sorted_.numpy().tolist() == [1, 2, 3]


def test_compiled_py_function_value_and_gradient():
    @tf.function
    def f(v):
        return tf.py_function(lambda a: tf.sin(a) * 2.0, [v], tf.float32) + 1.0

    np.testing.assert_allclose(f(tf.constant([0.0, 1.0])).numpy(), 2 * np.sin([0, 1]) + 1,
                               rtol=1e-6)
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(f(x * tf.constant([1.0, 2.0])))
    assert tape.gradient(y, x).numpy() == pytest.approx(2 * np.cos(3.0) + 4 * np.cos(6.0),
                                                        rel=1e-5)


def test_compiled_numpy_function_and_wrong_dtype():
    @tf.function
    def g(v):
        return tf.numpy_function(lambda a: np.cumsum(a), [v], tf.int64)

    assert g(tf.constant([1, 2, 3], tf.int64)).numpy().tolist() == [1, 3, 6]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tout"):
        tf.py_function(lambda a: tf.cast(a, tf.int32), [1.0], tf.float32)
