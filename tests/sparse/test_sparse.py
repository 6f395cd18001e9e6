"""SparseTensor and tf.sparse ops vs NumPy on the dense equivalents."""
import numpy as np
import pytest

import tapeflow as tf

DENSE = np.array([[0.0, 2.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0]], np.float32)


def _sp(a=DENSE):
    return tf.sparse.from_dense(a)


def _d(st):
    return tf.sparse.to_dense(st).numpy()


def test_from_dense_to_dense_roundtrip_and_fields():
    st = _sp()
    assert st.indices.numpy().tolist() == np.argwhere(DENSE).tolist()
    assert st.values.numpy().tolist() == DENSE[DENSE != 0].tolist()
    assert st.dense_shape.numpy().tolist() == [3, 4]
    assert st.indices.dtype == tf.int64 and st.shape.as_list() == [3, 4]
    np.testing.assert_array_equal(_d(st), DENSE)
    np.testing.assert_array_equal(tf.sparse.to_dense(st, default_value=-1.0).numpy(),
                                  np.where(DENSE != 0, DENSE, -1))
    empty = tf.SparseTensor(tf.zeros([0, 2], tf.int64), tf.zeros([0]), [2, 2])
    np.testing.assert_array_equal(_d(empty), np.zeros((2, 2)))


def test_invalid_indices_name_both_shapes():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[3, 0\].*\[2, 2\]"):
        tf.SparseTensor([[3, 0]], [1.0], [2, 2])
    with pytest.raises(ValueError, match="indices shape"):
        tf.SparseTensor([[0, 0]], [1.0, 2.0], [2, 2])


def test_reorder_reshape_transpose_slice():
    st = tf.SparseTensor([[2, 0], [0, 3], [0, 1]], [3.0, 1.0, 2.0], [3, 4])
    r = tf.sparse.reorder(st)
    assert r.indices.numpy().tolist() == [[0, 1], [0, 3], [2, 0]]
    np.testing.assert_array_equal(_d(r), _d(st))
    np.testing.assert_array_equal(_d(tf.sparse.reshape(_sp(), [2, -1])), DENSE.reshape(2, 6))
    np.testing.assert_array_equal(_d(tf.sparse.transpose(_sp())), DENSE.T)
    np.testing.assert_array_equal(_d(tf.sparse.slice(_sp(), [1, 1], [5, 2])), DENSE[1:, 1:3])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sparse.reshape(_sp(), [5, -1])


def test_concat_add_retain_expand_dims():
    np.testing.assert_array_equal(_d(tf.sparse.concat(0, [_sp(), _sp()])),
                                  np.concatenate([DENSE, DENSE], 0))
    np.testing.assert_array_equal(_d(tf.sparse.concat(1, [_sp(), _sp(DENSE[:, :2])])),
                                  np.concatenate([DENSE, DENSE[:, :2]], 1))
    other = np.array([[1.0, -2.0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 5.0]], np.float32)
    np.testing.assert_array_equal(_d(tf.sparse.add(_sp(), _sp(other))), DENSE + other)
    dense_sum = tf.sparse.add(_sp(), tf.ones([3, 4]))
    np.testing.assert_array_equal(dense_sum.numpy(), DENSE + 1)
    kept = tf.sparse.retain(_sp(), [True, False, True, False])
    assert kept.values.numpy().tolist() == [2.0, 3.0]
    assert tf.sparse.expand_dims(_sp(), 1).shape.as_list() == [3, 1, 4]
    np.testing.assert_array_equal(_d(tf.sparse.expand_dims(_sp(), -1)), DENSE[..., None])


def test_fill_empty_rows():
    out, empty = tf.sparse.fill_empty_rows(_sp(), -1.0)
    assert empty.numpy().tolist() == [False, True, False]
    ref = DENSE.copy()
    ref[1, 0] = -1.0
    np.testing.assert_array_equal(_d(out), ref)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions(axis):
    np.testing.assert_array_equal(tf.sparse.reduce_sum(_sp(), axis=axis).numpy(),
                                  DENSE.sum(axis=axis))
    neg = -DENSE  # explicit entries only (implicit zeros ignored); no entry at all -> 0
    masked = np.where(DENSE != 0, neg, -np.inf)
    ref = masked.max(axis=axis)
    ref = np.where(np.isfinite(ref), ref, 0.0)
    np.testing.assert_array_equal(tf.sparse.reduce_max(_sp(-DENSE), axis=axis).numpy(), ref)
    assert tf.sparse.reduce_sum(_sp(), axis=1, keepdims=True).shape.as_list() == [3, 1]


def test_sparse_dense_matmul_and_gradients():
    b = np.arange(8, dtype=np.float32).reshape(4, 2)
    np.testing.assert_allclose(tf.sparse.sparse_dense_matmul(_sp(), b).numpy(), DENSE @ b)
    np.testing.assert_allclose(
        tf.sparse.sparse_dense_matmul(_sp(), b.T, adjoint_b=True).numpy(), DENSE @ b)
    b3 = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_allclose(
        tf.sparse.sparse_dense_matmul(_sp(), b3, adjoint_a=True).numpy(), DENSE.T @ b3)
    c = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(tf.sparse.sparse_dense_matmul(c, _sp()).numpy(), c @ DENSE)
    st = _sp()
    vals = tf.Variable(st.values)
    bt = tf.Variable(b)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(st.with_values(vals * 1.0), bt) ** 2)
    gv, gb = tape.gradient(y, [vals, bt])
    # d/dA sum((A b)^2) = 2 (A b) b^T at the nonzero positions; d/db = 2 A^T (A b)
    out = DENSE @ b
    full = 2 * out @ b.T
    np.testing.assert_allclose(gv.numpy(), full[DENSE != 0], rtol=1e-5)
    np.testing.assert_allclose(gb.numpy(), 2 * DENSE.T @ out, rtol=1e-5)


def test_to_dense_gradient_and_map_values_and_indicator():
    st = _sp()
    vals = tf.Variable(st.values)
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sparse.to_dense(st.with_values(vals * 1.0)) * w)
    np.testing.assert_allclose(tape.gradient(y, vals).numpy(), w[DENSE != 0])
    sq = tf.sparse.map_values(tf.square, st)
    np.testing.assert_array_equal(_d(sq), DENSE ** 2)
    ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [0, 3, 1], [3, 2])
    assert tf.sparse.to_indicator(ids, 4).numpy().astype(int).tolist() == [
        [1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]]


def test_sparse_in_tf_function_and_spec():
    @tf.function
    def f(st):
        return tf.sparse.to_dense(tf.sparse.map_values(tf.multiply, st, 2.0))

    np.testing.assert_array_equal(f(_sp()).numpy(), 2 * DENSE)
    spec = tf.SparseTensorSpec.from_value(_sp())
    assert spec == tf.SparseTensorSpec([3, 4], tf.float32)
    assert spec.is_compatible_with(tf.SparseTensorSpec([None, 4], tf.float32))
    leaves = tf.nest.flatten(_sp(), expand_composites=True)
    assert [x.shape.as_list() for x in leaves] == [[4, 2], [4], [2]]
