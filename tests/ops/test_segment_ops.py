"""segment_ops: segment reductions (sorted and unsorted), bincount, confusion_matrix."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from gradcheck import check_second_order, check_vs_jax, check_vs_numeric

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(9)
IDS = np.array([0, 0, 2, 2, 2, 3])  # segment 1 is empty


def _np_segments(data, ids, n, fn, empty):
    out = np.full((n,) + data.shape[1:], empty, dtype=data.dtype)
    for s in range(n):
        rows = data[ids == s]
        if len(rows):
            out[s] = fn(rows, axis=0)
    return out


@pytest.mark.parametrize("f,nf,empty", [
    (tf.math.segment_sum, np.sum, 0.0), (tf.math.segment_mean, np.mean, 0.0),
    (tf.math.segment_max, np.max, 0.0), (tf.math.segment_min, np.min, 0.0)])
def test_sorted_segments_forward_and_grad(f, nf, empty):
    x = R.normal(size=(6, 2))
    np.testing.assert_allclose(f(x, IDS).numpy(), _np_segments(x, IDS, 4, nf, empty))
    check_vs_numeric(lambda t: f(t, IDS), x)


@pytest.mark.parametrize("f,jf", [
    (tf.math.unsorted_segment_sum, jax.ops.segment_sum),
    (tf.math.unsorted_segment_max, jax.ops.segment_max),
    (tf.math.unsorted_segment_min, jax.ops.segment_min)])
def test_unsorted_segments_vs_jax(f, jf):
    ids = np.array([3, 0, 3, 1, 0, 3])
    x = R.normal(size=(6, 3))
    # empty segments: TF's numeric_limits lowest()/max() where jax leaves -inf/+inf
    check_vs_jax(lambda t: f(t, ids, 5), lambda t: _finite(jf(t, ids, num_segments=5)), x)


def _finite(v):
    big = jnp.finfo(v.dtype).max
    return jnp.where(jnp.isinf(v), jnp.sign(v) * big, v)


def test_unsorted_segment_empty_values_negative_ids_and_2d_ids():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    ids = np.array([0, -1, 0, 2])
    np.testing.assert_array_equal(tf.math.unsorted_segment_sum(x, ids, 3).numpy(), [4, 0, 4])
    np.testing.assert_array_equal(tf.math.unsorted_segment_max(x, ids, 3).numpy(),
                                  [3, np.finfo(np.float64).min, 4])  # TF's lowest()
    np.testing.assert_array_equal(tf.math.unsorted_segment_mean(x, ids, 3).numpy(), [2, 0, 4])
    np.testing.assert_allclose(tf.math.unsorted_segment_sqrt_n(x, ids, 3).numpy(),
                               [4 / np.sqrt(2), 0, 4])
    ids2 = np.array([[0, 1], [1, 1]])
    d2 = R.normal(size=(2, 2, 3))
    check_vs_jax(lambda t: tf.math.unsorted_segment_sum(t, ids2, 2),
                 lambda t: jax.ops.segment_sum(t.reshape(4, 3), ids2.reshape(-1), 2), d2)
    check_vs_numeric(lambda t: tf.math.unsorted_segment_mean(t, ids, 3), x)


def test_segment_max_grad_splits_ties_and_second_order():
    x = np.array([2.0, 2.0, 1.0])
    with tf.GradientTape() as t:
        xt = tf.constant(x)
        t.watch(xt)
        y = tf.reduce_sum(tf.math.segment_max(xt, np.array([0, 0, 1])))
    np.testing.assert_allclose(t.gradient(y, xt).numpy(), [0.5, 0.5, 1.0])
    ids = np.array([0, 1, 0, 1])
    check_second_order(lambda v: tf.math.unsorted_segment_sum(v * v, ids, 2) ** 2,
                       lambda v: jax.ops.segment_sum(v * v, ids, 2) ** 2, R.normal(size=4))


def test_segment_errors():
    with pytest.raises(InvalidArgumentError, match="not increasing"):
        tf.math.segment_sum(np.ones(3), np.array([1, 0, 1]))
    with pytest.raises(InvalidArgumentError, match="dimension 0"):
        tf.math.segment_sum(np.ones(3), np.array([0, 1]))
    with pytest.raises(InvalidArgumentError, match="segment_ids.shape"):
        tf.math.unsorted_segment_sum(np.ones(3), np.array([0, 1]), 2)


def test_bincount():
    a = np.array([1, 1, 3, 0, 5])
    np.testing.assert_array_equal(tf.math.bincount(a).numpy(), np.bincount(a))
    assert tf.math.bincount(a).dtype == tf.int32
    np.testing.assert_array_equal(tf.math.bincount(a, minlength=8).numpy(),
                                  np.bincount(a, minlength=8))
    np.testing.assert_array_equal(tf.math.bincount(a, maxlength=3).numpy(), [1, 2, 0])
    w = R.normal(size=5)
    np.testing.assert_allclose(tf.math.bincount(a, weights=w).numpy(), np.bincount(a, w))
    np.testing.assert_array_equal(tf.math.bincount(a, binary_output=True).numpy(),
                                  np.bincount(a) > 0)
    m = np.array([[1, 1, 2], [0, 3, 3]])
    np.testing.assert_array_equal(tf.math.bincount(m, axis=-1).numpy(),
                                  [[0, 2, 1, 0], [1, 0, 0, 2]])
    assert tf.math.bincount(np.array([], np.int32)).shape == (0,)
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        tf.math.bincount(np.array([-1, 2]))


def test_confusion_matrix():
    lab, pred = np.array([1, 2, 4]), np.array([2, 2, 4])
    cm = tf.math.confusion_matrix(lab, pred).numpy()
    want = np.zeros((5, 5), int)
    np.add.at(want, (lab, pred), 1)
    np.testing.assert_array_equal(cm, want)
    w = np.array([0.5, 1.0, 2.0])
    cm = tf.math.confusion_matrix(lab, pred, num_classes=6, weights=w, dtype=tf.float32)
    assert cm.shape == (6, 6) and cm.dtype == tf.float32 and cm.numpy()[4, 4] == 2.0
    with pytest.raises(InvalidArgumentError, match="out of bound"):
        tf.math.confusion_matrix(lab, pred, num_classes=3)
    with pytest.raises(InvalidArgumentError, match="negative"):
        tf.math.confusion_matrix(np.array([-1]), np.array([0]))
    assert jnp.asarray(cm.numpy()).sum() == 3.5


def test_segment_prod_forward_and_grad_with_zeros():
    x = np.array([2.0, 3.0, 0.0, 4.0, 0.0, 0.0, 5.0])
    ids = np.array([0, 0, 1, 1, 2, 2, 4])  # one zero in segment 1, two in segment 2, 3 empty
    np.testing.assert_array_equal(tf.math.segment_prod(x, ids).numpy(), [6, 0, 0, 1, 5])
    np.testing.assert_array_equal(tf.math.unsorted_segment_prod(x, ids, 5).numpy(),
                                  np.asarray(jax.ops.segment_prod(x, ids, 5)))
    check_vs_numeric(lambda t: tf.math.unsorted_segment_prod(t, ids, 5), x)  # exact zeros
    check_vs_numeric(lambda t: tf.math.segment_prod(t, ids), R.normal(size=7))
