"""sort_ops: sort, argsort, top_k, in_top_k, unique."""
import jax.numpy as jnp
import numpy as np
import pytest
from gradcheck import check_second_order, check_vs_jax, tape_grads

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(5)


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort_forward_and_grad(axis, direction):
    x = R.normal(size=(3, 4))

    def jf(v):
        s = jnp.sort(v, axis=axis)
        return jnp.flip(s, axis) if direction == "DESCENDING" else s
    check_vs_jax(lambda t: tf.sort(t, axis=axis, direction=direction), jf, x)


def test_sort_ints_second_order_and_bad_direction():
    np.testing.assert_array_equal(tf.sort(tf.constant([3, 1, 2]), direction="DESCENDING")
                                  .numpy(), [3, 2, 1])
    check_second_order(lambda t: tf.sort(t) ** 3, lambda v: jnp.sort(v) ** 3, R.normal(size=5))
    with pytest.raises(ValueError, match="direction"):
        tf.sort(tf.constant([1.0]), direction="UP")


def test_argsort_is_stable_both_directions():
    x = np.array([3, 1, 3, 2, 1, 3])
    np.testing.assert_array_equal(tf.argsort(x).numpy(), np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(tf.argsort(x, direction="DESCENDING").numpy(),
                                  [0, 2, 5, 3, 1, 4])
    m = R.normal(size=(3, 4))
    np.testing.assert_array_equal(tf.argsort(m, axis=0).numpy(), np.argsort(m, axis=0))
    assert tf.argsort(m).dtype == tf.int32


def test_top_k_values_indices_ties_and_errors():
    x = R.normal(size=(2, 6))
    v, i = tf.math.top_k(x, k=3)
    want = np.argsort(-x, axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(i.numpy(), want)
    np.testing.assert_allclose(v.numpy(), np.take_along_axis(x, want, 1))
    t = tf.math.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), k=2)
    np.testing.assert_array_equal(t.indices.numpy(), [1, 2])  # lower index wins ties
    assert tf.math.top_k(x).values.shape == (2, 1)
    with pytest.raises(InvalidArgumentError, match="at least k columns"):
        tf.math.top_k(x, k=7)


def test_top_k_grad_and_second_order():
    x = R.normal(size=(2, 5))

    def jf(v):
        idx = jnp.argsort(-v, axis=1)[:, :3]
        return jnp.take_along_axis(v, idx, 1)
    check_vs_jax(lambda t: tf.math.top_k(t, k=3).values, jf, x)
    check_second_order(lambda t: tf.math.top_k(t, 2).values ** 2,
                       lambda v: jnp.sort(v)[::-1][:2] ** 2, R.normal(size=4))
    g = tape_grads(lambda t: tf.math.top_k(t, 1).values, [np.array([1.0, 5.0, 2.0])],
                   np.array([2.0]))
    np.testing.assert_array_equal(g[0], [0.0, 2.0, 0.0])


def test_in_top_k():
    pred = np.array([[0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, np.nan, 0.2]], np.float32)
    targets = np.array([1, 0, 1])
    np.testing.assert_array_equal(tf.math.in_top_k(targets, pred, 1).numpy(),
                                  [True, False, False])
    np.testing.assert_array_equal(tf.math.in_top_k(targets, pred, 2).numpy(),
                                  [True, True, False])  # tie at the boundary counts as in


def test_unique_and_counts():
    x = np.array([1, 1, 2, 4, 4, 4, 7, 8, 8])
    y, idx = tf.unique(x)
    np.testing.assert_array_equal(y.numpy(), [1, 2, 4, 7, 8])
    np.testing.assert_array_equal(idx.numpy(), [0, 0, 1, 2, 2, 2, 3, 4, 4])
    y, idx, count = tf.unique_with_counts(np.array([3, 1, 3, 2, 1]))
    np.testing.assert_array_equal(y.numpy(), [3, 1, 2])  # order of first appearance
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 0, 2, 1])
    np.testing.assert_array_equal(count.numpy(), [2, 2, 1])
    np.testing.assert_array_equal(y.numpy()[idx.numpy()], [3, 1, 3, 2, 1])
    assert tf.unique(x, out_idx=tf.int64).idx.dtype == tf.int64
    s, _ = tf.unique(tf.constant(["b", "a", "b"]))
    assert [v.decode() if isinstance(v, bytes) else v for v in s.numpy()] == ["b", "a"]
    with pytest.raises(InvalidArgumentError, match="1D"):
        tf.unique(np.ones((2, 2)))
