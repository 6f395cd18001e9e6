"""`tensor[...]`, tf.slice and tf.strided_slice, with first and second order gradients."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf

KEYS = [
    (1,), (-1,), (slice(None, None, 2),), (slice(None, None, -1),), (slice(-3, None),),
    (Ellipsis, 0), (None, 1), (slice(1, None), None, slice(None, 2)),
    (0, Ellipsis, slice(None, None, -2)), (1, 2, 3), (slice(5, 1, -2), Ellipsis, None),
    (slice(10, None),), (Ellipsis,),
]


@pytest.mark.parametrize("key", KEYS, ids=[str(i) for i in range(len(KEYS))])
def test_getitem_matches_numpy(key):
    a = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    got = tf.constant(a)[key]
    want = a[key]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)


def test_tensor_indices():
    a = np.arange(12).reshape(3, 4)
    x = tf.constant(a)
    np.testing.assert_array_equal(x[tf.constant(2)].numpy(), a[2])
    np.testing.assert_array_equal(x[:, tf.constant(1, tf.int64)].numpy(), a[:, 1])
    np.testing.assert_array_equal(x[tf.constant(1):tf.constant(3)].numpy(), a[1:3])
    with pytest.raises(TypeError):
        x[tf.constant(1.0)]


def test_out_of_range_errors():
    x = tf.constant([[1, 2], [3, 4]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
        x[5]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Index out of range"):
        x[0, 0, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be non-zero"):
        x[::0]
    with pytest.raises(ValueError, match="Multiple ellipses"):
        x[..., ...]
    for bad in ("a", 1.5, [0, 1]):
        with pytest.raises(TypeError, match="valid indices"):
            x[bad]


GRAD_KEYS = [(slice(None, None, 2),), (slice(None, None, -1), 1), (Ellipsis, 0),
             (slice(1, None), None, slice(None, 2))]


@pytest.mark.parametrize("key", GRAD_KEYS, ids=[str(i) for i in range(len(GRAD_KEYS))])
def test_slice_gradient_matches_numpy(key, rng):
    a = rng.standard_normal((4, 5, 6))
    x = tf.constant(a)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(tf.square(x[key]) * 3.0)
    ref = np.zeros_like(a)
    ref[key] += 6.0 * a[key]  # d/dx sum(3 x[key]^2), scattered back into place
    np.testing.assert_allclose(t.gradient(y, x).numpy(), ref, rtol=1e-12)


def test_slice_second_order(rng):
    a = rng.standard_normal((4, 5))
    key = (slice(1, None, 2), slice(None, None, -1))
    x = tf.constant(a)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x[key] ** 3)
        g = inner.gradient(y, x)
        z = tf.reduce_sum(g[key] * g[key])  # uses the slice-gradient op, then a slice again
    got = outer.gradient(z, x)
    f = lambda v: jnp.sum(v[key] ** 3)  # noqa: E731
    ref = jax.jit(jax.grad(lambda v: jnp.sum(jax.grad(f)(v)[key] ** 2)))(a)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-10)


def test_variable_slice_gradient():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as t:
        y = v[0, 1] * v[1, :]
    np.testing.assert_allclose(t.gradient(y, v).numpy(), [[0.0, 7.0], [2.0, 2.0]])


def test_tf_slice_and_strided_slice():
    a = np.arange(24).reshape(2, 3, 4)
    x = tf.constant(a)
    np.testing.assert_array_equal(tf.slice(x, [0, 1, 1], [2, 1, -1]).numpy(), a[0:2, 1:2, 1:])
    got = tf.strided_slice(x, [1, 0, 3], [2, 3, 0], [1, 1, -1])
    np.testing.assert_array_equal(got.numpy(), a[1:2, 0:3, 3:0:-1])
    got = tf.strided_slice(x, [1, 0, 0], [0, 0, 0], [1, 1, 1], begin_mask=0b110,
                           end_mask=0b110, shrink_axis_mask=0b001)
    np.testing.assert_array_equal(got.numpy(), a[1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Slice"):
        tf.slice(x, [0, 0], [1, 1])
