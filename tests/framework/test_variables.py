"""tf.Variable: construction, names, assignment, tensor-like use, tape watching."""
import numpy as np
import pytest

import tapeflow as tf


def test_constructor_arguments():
    v = tf.Variable([1, 2], trainable=False, name="counts", dtype=tf.float32, shape=(2,))
    assert v.name == "counts:0" and not v.trainable and v.dtype is tf.float32
    assert v.shape == (2,) and v.numpy().tolist() == [1.0, 2.0]
    assert tf.Variable(lambda: tf.ones([3])).shape == (3,)  # callable initial value
    assert tf.Variable(1.0).trainable
    with pytest.raises(ValueError):
        tf.Variable(None)
    with pytest.raises(ValueError, match="shape"):
        tf.Variable([1.0, 2.0], shape=(3,))


def test_eager_names_are_not_uniquified():
    # TF 2 eager: every unnamed variable is 'Variable:0' (the spec prints it twice).
    assert tf.Variable(1.0).name == "Variable:0" and tf.Variable(2.0).name == "Variable:0"
    assert tf.Variable(1.0, name="w").name == "w:0" == tf.Variable(1.0, name="w").name


def test_repr_matches_spec_layout():
    v = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    assert repr(v) == ("<tf.Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\n"
                       "array([[1., 2.],\n       [3., 4.]], dtype=float32)>")
    assert repr(tf.Variable(3.0, name="s")) == (
        "<tf.Variable 's:0' shape=() dtype=float32, numpy=3.0>")


def test_assign_family_returns_the_variable():
    v = tf.Variable([1.0, 2.0])
    assert v.assign([5.0, 6.0]) is v and v.numpy().tolist() == [5.0, 6.0]
    assert v.assign_add([1.0, 1.0]) is v and v.numpy().tolist() == [6.0, 7.0]
    assert v.assign_sub(tf.constant([2.0, 2.0])) is v and v.numpy().tolist() == [4.0, 5.0]
    assert v.read_value().numpy().tolist() == [4.0, 5.0]
    assert isinstance(v.value(), tf.Tensor)
    assert v.assign([4.0, 5.0], read_value=False) is None  # eager TF returns no op
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        v.assign(tf.constant([1, 2]))


def test_read_value_is_a_snapshot():
    v = tf.Variable(1.0)
    before = v.read_value()
    v.assign(5.0)
    assert float(before) == 1.0 and float(v) == 5.0


def test_arithmetic_and_indexing_like_tensors():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    v = tf.Variable(a)
    np.testing.assert_allclose((v + 1).numpy(), a + 1)
    np.testing.assert_allclose((2 * v).numpy(), 2 * a)
    np.testing.assert_allclose((v @ v).numpy(), a @ a)
    np.testing.assert_allclose((-v).numpy(), -a)
    np.testing.assert_allclose(tf.square(v).numpy(), a ** 2)
    np.testing.assert_allclose(v[1, ::-1].numpy(), a[1, ::-1])
    np.testing.assert_array_equal((v > 2).numpy(), a > 2)
    assert len(v) == 2 and np.asarray(v).shape == (2, 2)
    for i in range(2):
        for j in range(2):
            assert v[i, j] == a[i, j]


def test_trainable_variables_are_watched_but_others_not():
    w = tf.Variable(3.0)
    c = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        y = w * w + c * c
    gw, gc = tape.gradient(y, [w, c])
    assert float(gw) == 6.0 and gc is None
    assert tape.watched_variables() == (w,)


def test_gradient_sees_reads_after_assign():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y1 = v * v  # d/dv = 2v = 4
        v.assign(5.0)
        y2 = v * 3.0  # d/dv = 3
        y = y1 + y2
    assert float(tape.gradient(y, v)) == pytest.approx(7.0)
