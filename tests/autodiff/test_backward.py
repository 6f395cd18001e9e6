"""The backward pass and the gradient registry: seeds, un-broadcasting, record pruning."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.autodiff import backward
from tapeflow.framework import gradient_registry


def test_register_gradient_twice_raises_and_lookup_errors():
    with pytest.raises(KeyError, match="Registering two gradient"):
        gradient_registry.RegisterGradient("AddV2")(lambda op, g: (g, g))
    with pytest.raises(LookupError, match="No gradient defined"):
        gradient_registry.get_gradient("NoSuchOpType")
    with pytest.raises(TypeError):
        gradient_registry.RegisterGradient(3)


def test_unbroadcast_sums_and_broadcasts():
    g = tf.constant(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_allclose(backward._unbroadcast(g, (3, 1)).numpy(),
                               np.arange(24.0).reshape(2, 3, 4).sum((0, 2))[:, None])
    np.testing.assert_allclose(backward._unbroadcast(g, ()).numpy(), 276.0)
    small = tf.constant([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(backward._unbroadcast(small, (2, 3)).numpy(),
                               [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])


def test_custom_rule_returning_a_scalar_is_broadcast():
    @tf.custom_gradient
    def f(x):
        return tf.identity(x), lambda dy: tf.constant(5.0)

    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [5.0, 5.0, 5.0])


def test_ones_seed_is_cached_but_fresh_tensor():
    t = tf.constant([[1.0, 2.0]])
    a, b = backward.ones_seed(t), backward.ones_seed(t)
    assert a is not b and a._value is b._value
    np.testing.assert_array_equal(a.numpy(), [[1.0, 1.0]])


def test_unrelated_ops_are_not_recorded():
    x, c = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        c * c  # touches no watched tensor
        y = x * c
    assert [r.type for r in t._records] == ["Mul"]
    assert float(t.gradient(y, x)) == 2.0


def test_integer_outputs_are_not_watched():
    x = tf.constant([1.5, 2.5])
    with tf.GradientTape() as t:
        t.watch(x)
        i = tf.cast(x, tf.int32)
        y = tf.cast(i, tf.float32) * x
    # the int path carries no gradient: d/dx (floor(x) * x) = floor(x) here
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [1.0, 2.0])
