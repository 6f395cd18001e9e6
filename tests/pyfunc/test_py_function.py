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


def _boom(x):
    if float(np.sum(x)) > 100:
        raise ValueError("too big")
    return x


@pytest.mark.parametrize("raised, expected", [
    (ValueError("bad"), tf.errors.InvalidArgumentError),
    (IndexError("idx"), tf.errors.OutOfRangeError),
    (NotImplementedError("no"), tf.errors.UnimplementedError),
    (KeyError("k"), tf.errors.UnknownError)])
def test_python_exceptions_become_tf_errors_eagerly_and_compiled(raised, expected):
    # TF 2.15's EagerPyFunc reports a Python exception as the status of its kind,
    # the message starting with the exception's class name (eager and in tf.function)
    def fail(x):
        raise raised

    with pytest.raises(expected, match=f"^{type(raised).__name__}: "):
        tf.py_function(fail, [tf.constant(1.0)], tf.float32)
    with pytest.raises(expected, match=f"^{type(raised).__name__}: "):
        tf.function(lambda x: tf.numpy_function(fail, [x], tf.float32))(tf.constant(1.0))


def test_failed_compiled_call_leaves_variables_intact():
    # TF 2.15.1 prints [2. 3.] for v after the failed second call (checked in its venv)
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def step(x):
        v.assign_add(tf.py_function(_boom, [x], tf.float32))
        return v.read_value()

    np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(), [2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: too big"):
        step(tf.constant([500.0, 1.0]))
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(), [3.0, 4.0])
