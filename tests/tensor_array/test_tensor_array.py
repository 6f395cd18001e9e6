"""tf.TensorArray: element ops vs Python lists, loops (eager and compiled), gradients."""
import numpy as np
import pytest

import tapeflow as tf


def test_write_read_stack_with_unwritten_zeros():
    ta = tf.TensorArray(tf.float32, size=3).write(0, 1.0).write(2, 3.0)
    assert ta.stack().numpy().tolist() == [1.0, 0.0, 3.0]
    assert ta.read(2).numpy() == 3.0 and int(ta.size()) == 3


def test_dynamic_size_grows_and_whole_array_ops():
    rows = [[float(i), 1.0] for i in range(3)]
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for i, r in enumerate(rows):
        ta = ta.write(i, r)
    np.testing.assert_array_equal(ta.stack().numpy(), rows)
    np.testing.assert_array_equal(ta.concat().numpy(), np.concatenate(rows))
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [rows[2], rows[0]])
    assert tf.TensorArray(tf.int32, size=3).unstack([1, 2, 3]).read(1).numpy() == 2
    split = tf.TensorArray(tf.int32, size=2).split([1, 2, 3], [1, 2])
    assert split.read(1).numpy().tolist() == [2, 3]
    assert tf.TensorArray(tf.int32, size=3).scatter([2, 0], [[7], [8]]).stack().numpy(
    ).tolist() == [[8], [0], [7]]


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable"):
        tf.TensorArray(tf.float32, size=2).write(5, 1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype is float32"):
        tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1))
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible"):
        tf.TensorArray(tf.float32, size=2, element_shape=[2]).write(0, [1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not yet been written"):
        tf.TensorArray(tf.float32, size=2).read(1)


def test_while_loop_eager_and_compiled():
    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i, tf.float32) ** 2)

    _, ta = tf.while_loop(lambda i, ta: i < 4, body, (0, tf.TensorArray(tf.float32, size=4)))
    assert ta.stack().numpy().tolist() == [0.0, 1.0, 4.0, 9.0]

    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=5, element_shape=())
        _, ta = tf.while_loop(lambda i, ta: i < n, body, (tf.constant(0), ta))
        return ta.stack()

    assert f(tf.constant(3)).numpy().tolist() == [0.0, 1.0, 4.0, 0.0, 0.0]


def test_gradients_eager_and_through_compiled_loop():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=3)
        for k in range(3):
            ta = ta.write(k, x ** (k + 1))
        y = tf.reduce_sum(ta.stack())
    assert tape.gradient(y, x).numpy() == pytest.approx(1 + 2 * 2.0 + 3 * 4.0)

    @tf.function
    def g(x):
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[])

        def body(i, ta):
            return i + 1, ta.write(i, x * tf.cast(i + 1, tf.float32))
        _, ta = tf.while_loop(lambda i, ta: i < 3, body, (0, ta), maximum_iterations=3)
        return tf.reduce_sum(ta.stack() ** 2)

    with tf.GradientTape() as tape:
        y = g(x)
    assert y.numpy() == pytest.approx(14 * 4.0)  # sum_k (k x)^2 = 14 x^2
    assert tape.gradient(y, x).numpy() == pytest.approx(28 * 2.0)
