"""keras.regularizers and keras.constraints against NumPy."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import constraints as C
from tapeflow.keras import regularizers as R

W = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], dtype="float32")


def test_l1_l2_l1l2():
    w = tf.constant(W)
    np.testing.assert_allclose(float(R.L1(0.1)(w)), 0.1 * np.abs(W).sum(), rtol=1e-6)
    np.testing.assert_allclose(float(R.l2(0.01)(w)), 0.01 * (W ** 2).sum(), rtol=1e-6)
    np.testing.assert_allclose(float(R.l1_l2(0.1, 0.2)(w)),
                               0.1 * np.abs(W).sum() + 0.2 * (W ** 2).sum(), rtol=1e-6)
    assert float(R.L2()(tf.constant([1.0]))) == pytest.approx(0.01)


def test_orthogonal_regularizer():
    rows = W / np.linalg.norm(W, axis=1, keepdims=True)
    expected = 0.5 * np.abs(rows[0] @ rows[1])  # factor * mean |cos| over the 1 pair
    np.testing.assert_allclose(float(R.OrthogonalRegularizer(0.5)(tf.constant(W))), expected,
                               rtol=1e-5)
    assert float(R.OrthogonalRegularizer(1.0, mode="columns")(tf.eye(3))) == 0.0


def test_regularizer_get_serialize_errors():
    reg = R.deserialize(R.serialize(R.L1L2(l1=0.3)))
    assert isinstance(reg, R.L1L2) and reg.l1 == 0.3
    assert isinstance(R.get("l2"), R.L2)
    with pytest.raises(ValueError, match=r"Could not interpret regularizer.*'l3'.*l1"):
        R.get("l3")
    with pytest.raises(ValueError, match="l1=-1"):
        R.L1(-1)


def test_constraints():
    w = tf.constant(W)
    col = np.linalg.norm(W, axis=0, keepdims=True)
    np.testing.assert_allclose(C.MaxNorm(2.0)(w).numpy(),
                               W * np.minimum(col, 2.0) / (col + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(C.UnitNorm()(w).numpy(), W / (col + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(C.NonNeg()(w).numpy(), np.maximum(W, 0))
    mm = C.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5)(w).numpy()
    desired = 0.5 * np.clip(col, 1, 2) + 0.5 * col
    np.testing.assert_allclose(mm, W * desired / (col + 1e-7), rtol=1e-5)


def test_radial_constraint():
    k = np.arange(25, dtype="float32").reshape(5, 5, 1, 1)
    out = C.RadialConstraint()(tf.constant(k)).numpy()[..., 0, 0]
    expected = np.array([[0, 0, 0, 0, 0], [0, 6, 6, 6, 0], [0, 6, 12, 6, 0],
                         [0, 6, 6, 6, 0], [0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(out, expected)
    with pytest.raises(ValueError, match="rank 4"):
        C.RadialConstraint()(tf.ones((3, 3)))


def test_constraint_lookup():
    assert isinstance(C.get("non_neg"), C.NonNeg)
    assert C.deserialize(C.serialize(C.MaxNorm(3))).max_value == 3
    with pytest.raises(ValueError, match="Valid names"):
        C.get("positive")
