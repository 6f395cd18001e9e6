"""Argument conversion and TF's errors shared by every op (dispatch.py)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.ops import dispatch


def test_incompatible_shapes_name_both_shapes():
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])
    assert str(e.value) == "Incompatible shapes: [2] vs. [3] [Op:AddV2]"
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2,? ?3\] vs. \[4\].*Mul"):
        tf.multiply(tf.ones([2, 3]), tf.ones([4]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        tf.ones([2]) < tf.ones([3])


def test_broadcasting_still_allowed():
    x = tf.ones([2, 1, 3]) * tf.ones([4, 1])
    assert x.shape == (2, 4, 3)


def test_matmul_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2, 3\].*\[2, 3\]"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch dimensions"):
        tf.matmul(tf.ones([2, 2, 3]), tf.ones([3, 3, 4]))
    np.testing.assert_allclose(
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]), transpose_b=True).numpy(), np.full((2, 2), 3.0))


def test_out_of_range_axis():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension 5"):
        tf.reduce_sum(tf.ones([2, 2]), axis=5)


def test_binary_conversion_rules():
    x = tf.constant([1.0, 2.0], tf.float64)
    a, b = dispatch.binary(x, 3, "AddV2")
    assert b.dtype is tf.float64 and float(b) == 3.0
    a, b = dispatch.binary([1, 2], x, "AddV2")
    assert a.dtype is tf.float64
    v = tf.Variable([1, 2])
    a, b = dispatch.binary(v, 2, "Mul")
    assert a.dtype is tf.int32 and b.dtype is tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError):  # int32 first, then 2.5 cannot fit
        dispatch.binary(1, 2.5, "AddV2")
    a, b = dispatch.binary(2.5, 1, "AddV2")
    assert a.dtype is tf.float32 and b.dtype is tf.float32


def test_cached_python_constants_stay_correct():
    x = tf.constant([1.0], tf.float32)
    assert float((x * 0.0)[0]) == 0.0 and np.signbit(float((x * -0.0)[0]))
    assert np.isnan(float((x * float("nan"))[0]))
    y = tf.constant([1], tf.int64)
    assert (y + 1).dtype is tf.int64 and (x + 1).dtype is tf.float32
