"""Array ops (creation, shapes, joins, layout) against NumPy, with gradient checks."""
import numpy as np
import pytest

import tapeflow as tf
from gradcheck import check_grad, check_hvp

IAE = tf.errors.InvalidArgumentError

# -- creation ------------------------------------------------------------------


def test_zeros_ones_fill_dtypes():
    assert tf.zeros([2, 3]).dtype == tf.float32
    z = tf.zeros((2,), "int64")
    assert z.dtype == tf.int64 and z.numpy().tolist() == [0, 0]
    assert tf.ones(3, dtype="bool").numpy().tolist() == [True] * 3
    assert tf.zeros(1, 1).dtype == tf.float32  # DataType enum 1, as in the spec's guide
    assert tf.zeros([0, 2]).shape.as_list() == [0, 2]
    assert tf.fill([2], 7).dtype == tf.int32
    f = tf.fill([2, 2], 1.5)
    assert f.dtype == tf.float32 and f.numpy().tolist() == [[1.5, 1.5]] * 2
    assert tf.ones_like(tf.constant([1, 2])).dtype == tf.int32
    assert tf.zeros_like([1., 2.], dtype=tf.int64).dtype == tf.int64
    with pytest.raises(IAE, match="Dimension -1 must be >= 0"):
        tf.zeros([-1, 2])


def test_fill_gradient_sums():
    v = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(v)
        y = tf.reduce_sum(tf.fill([2, 3], v) * tf.constant(np.arange(6.).reshape(2, 3), tf.float32))
    assert float(t.gradient(y, v)) == 15.0


def test_range_linspace_eye():
    assert tf.range(5).dtype == tf.int32
    np.testing.assert_allclose(tf.range(1, 2, 0.25).numpy(), np.arange(1, 2, 0.25))
    assert tf.range(3, dtype=tf.float64).dtype == tf.float64
    np.testing.assert_array_equal(tf.range(5, 0, -2).numpy(), [5, 3, 1])
    with pytest.raises(IAE, match="delta != 0"):
        tf.range(0, 3, 0)
    np.testing.assert_allclose(tf.linspace(10.0, 12.0, 3).numpy(), [10., 11., 12.])
    start, stop = np.array([0., 5.]), np.array([1., 10.])
    got = tf.linspace(start, stop, 4, axis=-1)
    np.testing.assert_allclose(got.numpy(), np.linspace(start, stop, 4, axis=-1))
    np.testing.assert_allclose(tf.linspace(start, stop, 3).numpy(), np.linspace(start, stop, 3))
    check_grad(lambda a, b: tf.linspace(a, b, 5, axis=1), start, stop)
    assert tf.eye(3).numpy().tolist() == np.eye(3).tolist()
    e = tf.eye(2, 3, batch_shape=[4], dtype=tf.int32)
    assert e.shape.as_list() == [4, 2, 3] and e.dtype == tf.int32
    np.testing.assert_array_equal(e.numpy()[3], np.eye(2, 3))


def test_sequence_mask():
    m = tf.sequence_mask([1, 3, 2], 5)
    assert m.dtype == tf.bool
    np.testing.assert_array_equal(m.numpy(), np.arange(5) < np.array([[1], [3], [2]]))
    m = tf.sequence_mask([[1, 3], [2, 0]], dtype=tf.float32)
    assert m.shape.as_list() == [2, 2, 3] and m.numpy()[0, 1].tolist() == [1., 1., 1.]


# -- shapes --------------------------------------------------------------------


def test_shape_rank_size_shape_n():
    x = tf.zeros([2, 3, 0])
    assert tf.shape(x).numpy().tolist() == [2, 3, 0] and tf.shape(x).dtype == tf.int32
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64
    assert int(tf.rank(x)) == 3 and int(tf.size(x)) == 0
    a, b = tf.shape_n([tf.zeros([1, 2]), tf.zeros([3])])
    assert a.numpy().tolist() == [1, 2] and b.numpy().tolist() == [3]


def test_reshape_and_errors(rng):
    x = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(tf.reshape(x, [4, -1]).numpy(), x.reshape(4, -1))
    assert tf.reshape(tf.zeros([0, 3]), [-1, 3]).shape.as_list() == [0, 3]
    with pytest.raises(IAE, match=r"24 values.*has 10.*\[2, 3, 4\].*\[2, 5\]"):
        tf.reshape(x, [2, 5])
    check_grad(lambda t: tf.reshape(t, [6, 4]), x)


def test_broadcast_to_and_broadcast_shapes(rng):
    x = rng.normal(size=(3, 1))
    np.testing.assert_allclose(tf.broadcast_to(x, [2, 3, 4]).numpy(), np.broadcast_to(x, (2, 3, 4)))
    check_grad(lambda t: tf.broadcast_to(t, [2, 3, 4]), x)
    with pytest.raises(IAE, match=r"\[3, 1\].*\[4, 4\]"):
        tf.broadcast_to(x, [4, 4])
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1, 3]), tf.TensorShape([4, 1])) == \
        tf.TensorShape([2, 4, 3])
    assert tf.broadcast_static_shape(tf.TensorShape([None, 1]), tf.TensorShape([5])).as_list() \
        == [None, 5]
    with pytest.raises(ValueError, match="Incompatible shapes"):
        tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3]))
    r = tf.broadcast_dynamic_shape(tf.constant([2, 1, 3]), tf.constant([4, 1]))
    assert r.numpy().tolist() == [2, 4, 3] and r.dtype == tf.int32
    with pytest.raises(IAE, match=r"\[2,3\] vs. \[4\]"):
        tf.broadcast_dynamic_shape([2, 3], [4])


def test_transpose(rng):
    x = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(tf.transpose(x).numpy(), x.T)
    np.testing.assert_allclose(tf.transpose(x, [1, -1, 0]).numpy(), x.transpose(1, 2, 0))
    c = np.array([[1 + 2j, 3j]])
    np.testing.assert_allclose(tf.transpose(c, conjugate=True).numpy(), c.conj().T)
    with pytest.raises(IAE, match="permutation"):
        tf.transpose(x, [0, 1, 5])
    with pytest.raises(IAE, match="permutation"):
        tf.transpose(x, [0, 1])
    check_grad(lambda t: tf.transpose(t, [2, 0, 1]), x)


def test_expand_dims_squeeze_newaxis(rng):
    x = rng.normal(size=(2, 1, 3))
    assert tf.expand_dims(x, -1).shape.as_list() == [2, 1, 3, 1]
    assert tf.expand_dims(x, 0).shape.as_list() == [1, 2, 1, 3]
    assert tf.expand_dims(x, tf.constant(1)).shape.as_list() == [2, 1, 1, 3]
    assert tf.squeeze(x).shape.as_list() == [2, 3]
    assert tf.squeeze(tf.zeros([1, 2, 1]), axis=[-1]).shape.as_list() == [1, 2]
    assert tf.constant([1, 2])[tf.newaxis, :, tf.newaxis].shape.as_list() == [1, 2, 1]
    with pytest.raises(IAE, match="expand dim index 4"):
        tf.expand_dims(x, 4)
    with pytest.raises(IAE, match=r"squeeze dim\[0\].*got 2"):
        tf.squeeze(x, 0)
    with pytest.raises(IAE, match="Invalid reduction dimension 5"):
        tf.squeeze(x, 5)
    check_grad(lambda t: tf.squeeze(tf.expand_dims(t, 0), axis=2), x)


def test_ensure_shape():
    x = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    assert tf.ensure_shape(x, [None, 2]) is not None
    assert tf.ensure_shape(x, tf.TensorShape([3, 2])).shape.as_list() == [3, 2]
    assert tf.ensure_shape(x, tf.TensorShape(None)).shape.as_list() == [3, 2]
    with pytest.raises(IAE, match=r"\[3,2\] is not compatible with expected shape \[3,3\]"):
        tf.ensure_shape(x, [3, 3])
    with pytest.raises(IAE, match="EnsureShape"):
        tf.ensure_shape(x, [None])
    check_grad(lambda t: tf.ensure_shape(t, [None, 2]), x.numpy())


def test_identity_stop_gradient_identity_n():
    x = tf.constant([1., 2.])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        a = tf.identity(x) * 3.0
        b = tf.stop_gradient(x) * 3.0
        c, d = tf.identity_n([x, x * 2.0])
        e = tf.reduce_sum(c * d)
    assert t.gradient(a, x).numpy().tolist() == [3., 3.]
    assert t.gradient(b, x) is None
    assert t.gradient(e, x).numpy().tolist() == [4., 8.]


# -- joins and splits ----------------------------------------------------------


def test_concat_stack_unstack(rng):
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 1))
    np.testing.assert_allclose(tf.concat([a, b], -1).numpy(), np.concatenate([a, b], -1))
    np.testing.assert_allclose(tf.concat([a], 0).numpy(), a)
    assert tf.concat([tf.zeros([0, 3], tf.float64), a], 0).shape.as_list() == [2, 3]
    with pytest.raises(IAE, match=r"\[2, 1\] vs. shape\[0\] = \[2, 3\]"):
        tf.concat([a, b], 0)
    check_grad(lambda x, y: tf.concat([x, y, x], axis=1), a, b)
    with pytest.raises(IAE, match=r"range \[-2, 2\), but got 2 \[Op:ConcatV2\]"):
        tf.concat([a, a], 2)
    with pytest.raises(IAE, match="scalars"):
        tf.concat([1, 2], 0)
    with pytest.raises(ValueError, match=r"`axis` = -4 not in range \[-3, 3\)"):
        tf.stack([a, a], axis=-4)
    with pytest.raises(IAE, match="Invalid reduction dimension 2"):
        tf.unstack(a, axis=2)
    np.testing.assert_allclose(tf.stack([a, a * 2], axis=-1).numpy(), np.stack([a, a * 2], -1))
    with pytest.raises(IAE, match=r"\(2, 3\) != values\[1\].shape = \(2, 1\)"):
        tf.stack([a, b])
    check_grad(lambda x, y: tf.stack([x, y], axis=1), a, a + 1)
    parts = tf.unstack(a, axis=1)
    assert len(parts) == 3 and np.allclose(parts[2].numpy(), a[:, 2])
    assert len(tf.unstack(a, num=2)) == 2
    with pytest.raises(IAE, match="must equal 3"):
        tf.unstack(a, num=3)
    check_grad(lambda x: tf.unstack(x, axis=-1)[1] * 2.0 + tf.unstack(x, axis=-1)[0], a)


def test_split(rng):
    x = rng.normal(size=(3, 6))
    parts = tf.split(x, 3, axis=1)
    assert [p.shape.as_list() for p in parts] == [[3, 2]] * 3
    parts = tf.split(x, [1, -1, 2], axis=-1)
    assert [p.shape.as_list()[1] for p in parts] == [1, 3, 2]
    np.testing.assert_allclose(parts[1].numpy(), x[:, 1:4])
    with pytest.raises(IAE, match="evenly divide"):
        tf.split(x, 4, axis=1)
    with pytest.raises(IAE, match="Got: 7 vs 6"):
        tf.split(x, [3, 4], axis=1)
    with pytest.raises(IAE, match="more than one -1"):
        tf.split(x, [-1, -1], axis=1)
    check_grad(lambda t: tf.split(t, [4, 2], axis=1)[0], x)


# -- where / one_hot -----------------------------------------------------------


def test_where(rng):
    c = np.array([[True, False], [False, True]])
    x, y = rng.normal(size=(2, 2)), rng.normal(size=(2,))
    np.testing.assert_allclose(tf.where(c, x, y).numpy(), np.where(c, x, y))
    coords = tf.where(c)
    assert coords.dtype == tf.int64 and coords.numpy().tolist() == [[0, 0], [1, 1]]
    assert tf.where(tf.constant([0, 3, 0, 2])).numpy().tolist() == [[1], [3]]
    assert tf.where(np.zeros((2, 3), bool)).shape.as_list() == [0, 2]
    check_grad(lambda a, b: tf.where(c, a, b), x, y)
    with pytest.raises(IAE, match=r"\[2, 2\].*\[3\]"):
        tf.where(c, x, np.zeros(3))
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where(c, x)


def test_one_hot():
    np.testing.assert_array_equal(tf.one_hot([0, 2, -1, 5], 3).numpy(),
                                  np.eye(3, dtype=np.float32)[[0, 2]].tolist() + [[0, 0, 0]] * 2)
    r = tf.one_hot([[0, 1]], 2, on_value=5, off_value=-1)
    assert r.dtype == tf.int32 and r.numpy().tolist() == [[[5, -1], [-1, 5]]]
    r = tf.one_hot([0, 2], 3, axis=0, dtype=tf.float64)
    assert r.dtype == tf.float64 and np.array_equal(r.numpy(), np.eye(3)[[0, 2]].T)
    r = tf.one_hot([[1, 0], [2, 1]], 3, axis=1)
    np.testing.assert_array_equal(r.numpy(), np.moveaxis(np.eye(3)[[[1, 0], [2, 1]]], -1, 1))
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0], 2, on_value=1.0, dtype=tf.int32)
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0], 2, on_value=1.0, off_value=tf.constant(0, tf.int64))
    assert tf.one_hot([1], 2, on_value=3, dtype=tf.float64).numpy().tolist() == [[0., 3.]]
    with pytest.raises(IAE, match="TI"):
        tf.one_hot([0.5], 2)


def test_one_hot_converts_numpy_float_indices_like_tf():
    # TF 2.15.1: NumPy input converts to the index dtype (int64, truncating); float Tensors,
    # Python float lists and float scalars are rejected.
    got = tf.one_hot(np.array([0.5, 2.7, 1.0]), 3).numpy()
    np.testing.assert_array_equal(got, np.eye(3, dtype=np.float32)[[0, 2, 1]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="'TI' of float"):
        tf.one_hot(tf.constant([0.0, 2.0]), 3)
    with pytest.raises(TypeError, match="int64"):
        tf.one_hot(1.0, 3)
