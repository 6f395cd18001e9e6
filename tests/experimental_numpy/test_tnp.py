"""tf.experimental.numpy vs NumPy: values, NumPy's (1.x legacy) promotion, numpy behavior."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.experimental_numpy import behavior

tnp = tf.experimental.numpy
A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
B = np.array([[2, 0, 1], [1, 3, 2]], np.int32)


@pytest.fixture
def numpy_behavior():
    yield tnp.experimental_enable_numpy_behavior
    behavior._disable()


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum",
                                  "true_divide", "power", "equal", "less", "arctan2"])
def test_binary_values_and_dtypes_match_numpy(name):
    got = getattr(tnp, name)(A, B)
    want = getattr(np, name)(A, B)
    assert got.dtype == tf.as_dtype(want.dtype)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "std", "var"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_match_numpy(name, axis):
    for x in (A, B):
        got = getattr(tnp, name)(x, axis=axis)
        want = getattr(np, name)(x, axis=axis)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
        assert got.dtype == tf.as_dtype(np.asarray(want).dtype)


def test_array_functions_match_numpy():
    cases = [(tnp.transpose(A), A.T), (tnp.reshape(A, [3, 2]), A.reshape(3, 2)),
             (tnp.concatenate([A, B]), np.concatenate([A, B])),
             (tnp.stack([B, B], 1), np.stack([B, B], 1)), (tnp.dot(A, B.T), A @ B.T),
             (tnp.matmul(A, B.T), A @ B.T), (tnp.outer([1, 2], [3, 4]), np.outer([1, 2], [3, 4])),
             (tnp.where(A > 0, A, B), np.where(A > 0, A, B)), (tnp.clip(A, -1, 2), A.clip(-1, 2)),
             (tnp.cumsum(B), np.cumsum(B)), (tnp.sort(A, 1), np.sort(A, 1)),
             (tnp.argmax(A), np.argmax(A)), (tnp.tile([1, 2], 2), np.tile([1, 2], 2)),
             (tnp.flip(A, 1), np.flip(A, 1)), (tnp.tril(A), np.tril(A)), (tnp.triu(A, 1),
                                                                          np.triu(A, 1)),
             (tnp.arange(2, 9, 3), np.arange(2, 9, 3)), (tnp.linspace(0, 1, 5),
                                                         np.linspace(0, 1, 5)),
             (tnp.eye(3, k=1), np.eye(3, k=1)), (tnp.exp(B), np.exp(B)),
             (tnp.einsum("ij,kj->ik", A, A), np.einsum("ij,kj->ik", A, A))]
    for got, want in cases:
        want = np.asarray(want)
        assert got.dtype == tf.as_dtype(want.dtype), (got.dtype, want.dtype)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_legacy_promotion_rules_of_numpy_1():
    # values printed by TF 2.15's tnp (NumPy 1.x value-based casting for Python scalars)
    assert tnp.asarray(1.0).dtype == tf.float64 and tnp.asarray(1).dtype == tf.int64
    assert tnp.add(tf.constant(1), 1.5).dtype == tf.float64
    assert tnp.add(tf.constant(1, tf.int8), 300).dtype == tf.int16
    assert tnp.add(tf.constant(1, tf.int8), 3).dtype == tf.int8
    assert tnp.add(tf.constant(1.0, tf.float32), 2.5).dtype == tf.float32
    assert tnp.add(tf.constant(1.0, tf.float32), tf.constant(1, tf.int64)).dtype == tf.float64
    assert tnp.result_type(np.int32, np.float32) == tf.float64


def test_numpy_behavior_on_tf_ops(numpy_behavior):
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant(1) + tf.constant(1.0)  # tapeflow default: no implicit promotion
    numpy_behavior(prefer_float32=True)
    assert tnp.asarray(1.0).dtype == tf.float32
    assert (tf.constant(1) + tf.constant(1.0)).dtype == tf.float64
    assert (tf.constant(1, tf.int32) + 2.5).numpy() == 3.5
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert x.T.numpy().tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert x.reshape(4).shape.as_list() == [4] and x.ravel().shape.as_list() == [4]
    assert x.astype("int32").dtype == tf.int32 and x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    numpy_behavior(dtype_conversion_mode="all")
    assert (tf.constant(1, tf.int32) + tf.constant(2.0, tf.float32)).dtype == tf.float32
    assert (tf.constant(1, tf.int8) + 3).dtype == tf.int8


def test_gradients_and_tf_function():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tnp.sum(tnp.square(x) * tnp.asarray([1.0, 2.0], dtype="float32"))
    assert tape.gradient(y, x).numpy() == pytest.approx(12.0)

    @tf.function
    def f(a):
        return tnp.mean(tnp.exp(a), axis=0)

    np.testing.assert_allclose(f(tf.constant(A)).numpy(), np.exp(A).mean(0), rtol=1e-12)
