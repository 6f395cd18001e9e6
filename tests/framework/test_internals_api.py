"""The core internals other packages use: Tensor._from_host, Variable._swap_value,
eval_shape, stack_tensors/cast_tensor, and the operators installed by ops/_operators."""
import jax
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.framework.eval_shape import eval_shape
from tapeflow.framework.tensor import Tensor, cast_tensor, stack_tensors


def test_from_host_wraps_without_copy_or_conversion():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    t = Tensor._from_host(a)
    assert t._value is a and t.dtype == tf.int64 and t.shape == (2, 3)
    np.testing.assert_array_equal((t + 1).numpy(), a + 1)


def test_swap_value_replaces_and_returns_without_hooks_or_tapes():
    v = tf.Variable([1.0, 2.0])
    first = v.read_value()
    with tf.GradientTape() as tape:
        old = v._swap_value(jax.numpy.asarray([5.0, 6.0], np.float32))
    assert tape._records == [] and old is first._value
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])  # the cached read is dropped
    np.testing.assert_array_equal(first.numpy(), [1.0, 2.0])


def test_eval_shape_traces_abstractly_and_restores_variables():
    v = tf.Variable(np.zeros(3, np.float32))

    def fn(x):
        v.assign(tf.reduce_sum(x, axis=0))  # writes a tracer into v during the trace
        return {"y": tf.matmul(x, tf.ones((3, 2))), "v": v}
    out = eval_shape(fn, jax.ShapeDtypeStruct((4, 3), np.float32), restore=[v])
    assert out["y"].shape == (4, 2) and out["v"].shape == (3,)
    np.testing.assert_array_equal(v.numpy(), np.zeros(3))  # restored, not a tracer


def test_stack_tensors_records_pack_and_checks_dtypes_and_shapes():
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        s = stack_tensors([a, b], 1)
        y = tf.reduce_sum(s * tf.constant([[1.0, 10.0], [1.0, 10.0]]))
    np.testing.assert_array_equal(s.numpy(), [[1, 3], [2, 4]])
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [1, 1])
    np.testing.assert_array_equal(gb.numpy(), [10, 10])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Pack"):
        stack_tensors([a, tf.constant([1, 2])], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shapes of all inputs"):
        stack_tensors([a, tf.constant([1.0])], 0)


def test_convert_to_tensor_of_a_list_of_tensors_is_differentiable():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.convert_to_tensor([x, x * x]))
    assert float(tape.gradient(y, x)) == 7.0


def test_cast_tensor_matches_numpy_and_keeps_real_part_of_complex():
    np.testing.assert_array_equal(cast_tensor(tf.constant([1.7, -1.7]), tf.int32).numpy(),
                                  np.array([1.7, -1.7]).astype(np.int32))
    c = tf.constant(np.array([1 + 2j], np.complex64))
    np.testing.assert_array_equal(cast_tensor(c, tf.float32).numpy(), [1.0])
    assert tf.constant(tf.constant([1, 2]), dtype=tf.float64).dtype == tf.float64


def test_operators_installed_on_tensor_and_variable():
    t = tf.constant([[1, 2], [3, 4]])
    assert [r.numpy().tolist() for r in t] == [[1, 2], [3, 4]]
    assert t[1, 0].numpy() == 3
    with pytest.raises(TypeError, match="scalar"):
        iter(tf.constant(1.0))
    v = tf.Variable([1, 2, 3])
    assert v[2].numpy() == 3 and [int(x) for x in v] == [1, 2, 3]


def test_variable_scatter_nd_update_matches_numpy():
    v = tf.Variable(np.zeros((3, 2), np.float32))
    v.scatter_nd_update([[0], [2]], [[1.0, 2.0], [5.0, 6.0]])
    ref = np.zeros((3, 2), np.float32)
    ref[[0, 2]] = [[1, 2], [5, 6]]
    np.testing.assert_array_equal(v.numpy(), ref)
