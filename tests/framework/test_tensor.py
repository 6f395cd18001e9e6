"""Tensor printing, properties and conversion as the spec shows them."""
import numpy as np
import pytest

import tapeflow as tf


def test_print_matches_spec():
    x = tf.constant([[5, 2], [1, 3]])
    assert str(x) == "tf.Tensor(\n[[5 2]\n [1 3]], shape=(2, 2), dtype=int32)"
    assert str(x.dtype) == "<dtype: 'int32'>"
    assert str(x.shape) == "(2, 2)"
    np.testing.assert_array_equal(x.numpy(), np.array([[5, 2], [1, 3]], np.int32))
    assert x.numpy().dtype == np.int32


def test_ones_zeros_print():
    assert str(tf.ones(shape=(2, 1))) == (
        "tf.Tensor(\n[[1.]\n [1.]], shape=(2, 1), dtype=float32)")
    assert str(tf.zeros(shape=(2, 1))) == (
        "tf.Tensor(\n[[0.]\n [0.]], shape=(2, 1), dtype=float32)")


def test_repr_layouts():
    assert repr(tf.constant(3.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=3.0>"
    assert repr(tf.constant([1, 2])) == (
        "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>")


def test_default_dtypes():
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.array([1.0])).dtype == tf.float64
    assert tf.constant(2**40).dtype == tf.int64


def test_mixed_dtypes_raise_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="float.*int32|int32.*float"):
        tf.constant(1.0) + tf.constant(1)


def test_python_scalars_take_tensor_dtype():
    assert (tf.constant([1, 2]) * 2).dtype == tf.int32
    assert (2.5 * tf.constant([1.0], dtype=tf.float64)).dtype == tf.float64


def test_variable_print_and_assign():
    v = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    assert repr(v).startswith("<tf.Variable '") and "shape=(2, 2) dtype=float32, numpy=\narray(" in repr(v)
    new = np.ones((2, 2), np.float32)
    assert v.assign(new) is v
    v.assign_add(new)
    for i in range(2):
        for j in range(2):
            assert v[i, j] == 2.0
