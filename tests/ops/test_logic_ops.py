"""logic_ops: comparisons, logical and bitwise ops against NumPy."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(17)


def test_comparisons_and_logic():
    a, b = R.normal(size=(3, 1)), R.normal(size=(1, 4))
    for f, nf in [(tf.equal, np.equal), (tf.not_equal, np.not_equal), (tf.less, np.less),
                  (tf.less_equal, np.less_equal), (tf.greater, np.greater),
                  (tf.greater_equal, np.greater_equal)]:
        np.testing.assert_array_equal(f(a, b).numpy(), nf(a, b))
    p, q = np.array([True, True, False, False]), np.array([True, False, True, False])
    np.testing.assert_array_equal(tf.logical_xor(p, q).numpy(), p ^ q)
    np.testing.assert_array_equal(tf.logical_and(p, q).numpy(), p & q)
    np.testing.assert_array_equal(tf.equal(tf.constant(["a", "b"]), "a").numpy(), [True, False])
    with pytest.raises(InvalidArgumentError):
        tf.logical_and(tf.constant([1]), tf.constant([0]))


def test_monotonicity():
    assert bool(tf.math.is_non_decreasing([1, 2, 2, 3]))
    assert not bool(tf.math.is_strictly_increasing([1, 2, 2, 3]))
    assert bool(tf.math.is_strictly_increasing([[1, 2], [3, 4]]))
    assert not bool(tf.math.is_non_decreasing([3, 1]))


def test_bitwise_and_operators():
    a, b = np.array([12, 5, -3]), np.array([10, 3, 7])
    from tapeflow.ops import logic_ops
    np.testing.assert_array_equal(logic_ops.bitwise_and(a, b).numpy(), a & b)
    np.testing.assert_array_equal(logic_ops.bitwise_or(a, b).numpy(), a | b)
    np.testing.assert_array_equal(logic_ops.bitwise_xor(a, b).numpy(), a ^ b)
    np.testing.assert_array_equal(tf.math.invert(a).numpy(), ~a)
    np.testing.assert_array_equal((tf.constant(a) & tf.constant(b)).numpy(), a & b)
    np.testing.assert_array_equal((~tf.constant([True, False])).numpy(), [False, True])
