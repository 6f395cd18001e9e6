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


# -- properties ------------------------------------------------------------------


def test_properties():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert isinstance(x.shape, tf.TensorShape)
    assert x.shape == (2, 3) and x.shape == [2, 3] and x.shape != (3, 2)
    assert x.shape.as_list() == [2, 3] and x.shape.rank == 2 and x.ndim == 2
    assert x.shape[0] == 2 and x.shape[-1] == 3 and x.shape[1:] == (3,)
    assert x.dtype is tf.float32 and x.dtype == "float32" and x.dtype == np.float32
    assert x.device.endswith("CPU:0") or x.device.endswith("GPU:0")
    n = x.numpy()
    n[0, 0] = 100.0  # a copy: the tensor is immutable
    assert float(x[0, 0]) == 0.0


def test_str_and_repr_layouts():
    assert str(tf.constant(7)) == "tf.Tensor(7, shape=(), dtype=int32)"
    assert str(tf.constant([1.5, 2.0])) == "tf.Tensor([1.5 2. ], shape=(2,), dtype=float32)"
    assert str(tf.constant([True, False])) == "tf.Tensor([ True False], shape=(2,), dtype=bool)"
    assert repr(tf.constant(True)) == "<tf.Tensor: shape=(), dtype=bool, numpy=True>"
    assert repr(tf.constant([1.5], tf.float64)) == (
        "<tf.Tensor: shape=(1,), dtype=float64, numpy=array([1.5])>")
    assert repr(tf.constant([1, 2], tf.int64)) == (
        "<tf.Tensor: shape=(2,), dtype=int64, numpy=array([1, 2])>")
    assert repr(tf.constant([[1.0, 2.0], [3.0, 4.0]])) == (
        "<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\n"
        "array([[1., 2.],\n       [3., 4.]], dtype=float32)>")


# -- operators ---------------------------------------------------------------------


def test_arithmetic_operators_match_numpy(rng):
    a = rng.uniform(1, 3, (2, 3)).astype(np.float32)
    b = rng.uniform(1, 3, (2, 3)).astype(np.float32)
    x, y = tf.constant(a), tf.constant(b)
    for got, want in [(x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b),
                      (x // y, a // b), (x % y, a % b), (x ** y, a ** b), (-x, -a),
                      (abs(-x), a), (x @ tf.transpose(y), a @ b.T), (2.0 - x, 2 - a),
                      (1.0 / x, 1 / a), (2.0 ** x, 2 ** a), (x * 3, a * 3)]:
        assert got.dtype == tf.float32
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


def test_integer_operators():
    x, y = tf.constant([7, -7, 9]), tf.constant([2, 2, -4])
    np.testing.assert_array_equal((x // y).numpy(), [3, -4, -3])  # floor division
    np.testing.assert_array_equal((x % y).numpy(), [1, 1, -3])  # sign of divisor
    assert (x / y).dtype == tf.float64  # TF's truediv of int32
    np.testing.assert_array_equal((x ** 2).numpy(), [49, 49, 81])


def test_comparisons_and_logic():
    x = tf.constant([1, 2, 3])
    np.testing.assert_array_equal((x > 2).numpy(), [False, False, True])
    np.testing.assert_array_equal((x <= 2).numpy(), [True, True, False])
    np.testing.assert_array_equal((x == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((x != 2).numpy(), [True, False, True])
    p, q = tf.constant([True, True, False]), tf.constant([True, False, False])
    np.testing.assert_array_equal((p & q).numpy(), [True, False, False])
    np.testing.assert_array_equal((p | q).numpy(), [True, True, False])
    np.testing.assert_array_equal((p ^ q).numpy(), [False, True, False])
    np.testing.assert_array_equal((~p).numpy(), [False, False, True])


# -- Python protocol ---------------------------------------------------------------


def test_python_conversions():
    assert bool(tf.constant(True)) is True and not tf.constant(0.0)
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(7)) == 7
    assert ["a", "b", "c"][tf.constant(1)] == "b"  # __index__
    with pytest.raises(TypeError):
        ["a"][tf.constant(0.0)]
    x = tf.constant([[1, 2], [3, 4]])
    assert len(x) == 2
    rows = [r.numpy().tolist() for r in x]
    assert rows == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError):
        len(tf.constant(1.0))


def test_numpy_accepts_tensors():
    x = tf.constant([1.0, 2.0])
    assert np.asarray(x).dtype == np.float32
    np.testing.assert_array_equal(np.add(np.asarray(x), 1), [2.0, 3.0])
    np.testing.assert_array_equal(np.array(x, dtype=np.float64), [1.0, 2.0])
    assert np.sum(x) == 3.0


def test_convert_to_tensor_inputs():
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t
    v = tf.Variable([1.0, 2.0])
    np.testing.assert_array_equal(tf.convert_to_tensor(v).numpy(), [1.0, 2.0])
    assert tf.convert_to_tensor(np.zeros(2, np.int16)).dtype == tf.int16
    assert tf.convert_to_tensor(3).dtype == tf.int32
    assert tf.convert_to_tensor(3.0).dtype == tf.float32
    assert tf.convert_to_tensor([[1, 2], [3, 4]]).shape == (2, 2)
    nested = tf.convert_to_tensor([tf.constant([1.0, 2.0]), [3.0, 4.0]])
    np.testing.assert_array_equal(nested.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    assert tf.convert_to_tensor(1, dtype=tf.float64).dtype == tf.float64
    with pytest.raises(ValueError, match="non-rectangular"):
        tf.convert_to_tensor([[1, 2], [3]])
