"""dtype objects and TF's dtype rules: no implicit promotion, Python scalars adapt."""
import numpy as np
import pytest

import tapeflow as tf

ALL = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
       "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128"]


@pytest.mark.parametrize("name", ALL)
def test_every_dtype_round_trips(name):
    d = tf.as_dtype(name)
    assert d is getattr(tf, name) and d is getattr(tf.dtypes, name)
    assert d.name == name and repr(d) == f"tf.{name}"
    t = tf.constant(np.ones(3), dtype=d)
    assert t.dtype is d and t.numpy().dtype == np.dtype(d.as_numpy_dtype)
    assert tf.as_dtype(t.numpy().dtype) is d


def test_dtype_predicates_and_limits():
    assert tf.float32.is_floating and not tf.int32.is_floating
    assert tf.uint8.is_unsigned and tf.int8.is_integer and tf.complex64.is_complex
    assert tf.bool.is_bool and tf.int8.min == -128 and tf.uint8.max == 255
    assert tf.float16.max == pytest.approx(65504.0)
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(np.int64) is tf.int64
    assert tf.half is tf.float16 and tf.double is tf.float64


def test_unknown_dtype_string_is_a_clear_type_error():
    with pytest.raises(TypeError, match="flaot32.*float32"):
        tf.as_dtype("flaot32")
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.zeros([2], dtype="intt")


def test_python_defaults():
    assert tf.constant(1.0).dtype is tf.float32
    assert tf.constant(1).dtype is tf.int32
    assert tf.constant([1, 2.5]).dtype is tf.float32
    assert tf.constant(np.float64(1.0)).dtype is tf.float64  # NumPy keeps its dtype


@pytest.mark.parametrize("a,b", [(tf.float32, tf.int32), (tf.float32, tf.float64),
                                 (tf.int32, tf.int64), (tf.float16, tf.float32)])
def test_no_implicit_promotion_between_tensors(a, b):
    x, y = tf.ones([2], a), tf.ones([2], b)
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        x + y
    msg = str(e.value)
    assert a.name in msg and b.name in msg and "[Op:AddV2]" in msg
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Mul\]"):
        tf.multiply(y, x)


def test_python_scalars_take_the_tensor_dtype():
    for d in (tf.float16, tf.float64, tf.int8, tf.uint8, tf.int64, tf.complex64):
        x = tf.ones([2], d)
        assert (x + 1).dtype is d and (2 + x).dtype is d
    assert (tf.ones([2], tf.float64) * 0.5).numpy().tolist() == [0.5, 0.5]
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        tf.constant([1, 2]) * 2.5
    with pytest.raises(TypeError, match="int8"):
        tf.ones([1], tf.int8) + 1000


def test_numpy_operands_take_the_tensor_dtype():
    x = tf.ones([2], tf.float32)
    assert (x + np.ones(2)).dtype is tf.float32  # as TF: NumPy values are converted
    assert (np.float64(2.0) * x).dtype is tf.float32


def test_cast():
    x = tf.constant([1.7, -1.7, 2.5])
    np.testing.assert_array_equal(tf.cast(x, tf.int32).numpy(), [1, -1, 2])  # truncates
    assert tf.cast(x, "float64").dtype is tf.float64
    assert tf.cast(tf.constant([0, 2]), tf.bool).numpy().tolist() == [False, True]
    assert tf.cast(x, tf.float32) is x
    assert tf.dtypes.cast(x, tf.float16).dtype is tf.float16


def test_string_tensors():
    s = tf.constant(["ab", "c"])
    assert s.dtype is tf.string and s.shape == (2,)
