"""keras.losses vs NumPy references and TF's documented values."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

EPS = 1e-7
rng = np.random.default_rng(0)


def np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)).mean(-1)


def test_bce_spec_value():
    loss = keras.losses.BinaryCrossentropy()([0., 0., 1., 1.], [1., 1., 1., 0.])
    assert loss.numpy() == pytest.approx(11.522857, abs=1e-5)


def test_bce_vs_numpy_and_logits():
    t = rng.integers(0, 2, (4, 3)).astype("float32")
    logits = rng.normal(size=(4, 3)).astype("float32")
    p = 1 / (1 + np.exp(-logits))
    got = keras.losses.binary_crossentropy(t, p).numpy()
    np.testing.assert_allclose(got, np_bce(t, p), rtol=1e-5)
    ref = (np.maximum(logits, 0) - logits * t + np.log1p(np.exp(-np.abs(logits)))).mean()
    got = keras.losses.BinaryCrossentropy(from_logits=True)(t, logits).numpy()
    assert got == pytest.approx(ref, rel=1e-5)
    ts = t * 0.8 + 0.1
    got = keras.losses.BinaryCrossentropy(label_smoothing=0.2)(t, p).numpy()
    assert got == pytest.approx(np_bce(ts, p).mean(), rel=1e-5)


def test_focal_bce():
    t = np.array([[0, 1, 0, 0]], "float32")
    p = np.array([[0.6, 0.3, 0.2, 0.8]], "float32")
    bce = -(t * np.log(np.clip(p, EPS, 1 - EPS) + EPS)
            + (1 - t) * np.log(1 - np.clip(p, EPS, 1 - EPS) + EPS))
    pt = t * p + (1 - t) * (1 - p)
    ref = ((1 - pt) ** 2 * bce).mean()
    got = keras.losses.BinaryFocalCrossentropy(gamma=2.0)(t, p).numpy()
    assert got == pytest.approx(ref, rel=1e-5)
    w = t * 0.25 + (1 - t) * 0.75
    got = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True)(t, p).numpy()
    assert got == pytest.approx(((1 - pt) ** 2 * bce * w).mean(), rel=1e-5)


def test_categorical_and_sparse():
    # TF docs: CategoricalCrossentropy()([[0,1,0],[0,0,1]], [[.05,.95,0],[.1,.8,.1]]) == 1.177
    y_true = [[0., 1., 0.], [0., 0., 1.]]
    y_pred = [[.05, .95, 0.], [.1, .8, .1]]
    assert keras.losses.CategoricalCrossentropy()(y_true, y_pred).numpy() == pytest.approx(
        1.177, abs=1e-3)
    assert keras.losses.SparseCategoricalCrossentropy()([1, 2], y_pred).numpy() == \
        pytest.approx(1.177, abs=1e-3)
    logits = rng.normal(size=(5, 4)).astype("float32")
    labels = rng.integers(0, 4, 5)
    ls = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    ref = -ls[np.arange(5), labels]
    got = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-5)
    got = keras.losses.categorical_crossentropy(np.eye(4)[labels], logits, from_logits=True)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-5)
    got = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels[:, None], logits)
    assert got.numpy() == pytest.approx(ref.mean(), rel=1e-5)


def test_sparse_ignore_class_and_smoothing():
    logits = rng.normal(size=(4, 3)).astype("float32")
    labels = np.array([0, 2, 1, 2])
    full = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True).numpy()
    got = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True,
                                                       ignore_class=2).numpy()
    np.testing.assert_allclose(got, full * (labels != 2), rtol=1e-6)
    oh = np.eye(3)[labels].astype("float32")
    sm = oh * 0.7 + 0.1
    ls = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    got = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)(oh, logits)
    assert got.numpy() == pytest.approx((-(sm * ls).sum(-1)).mean(), rel=1e-5)


def test_regression_losses_vs_numpy():
    t = rng.normal(size=(3, 4)).astype("float32")
    p = rng.normal(size=(3, 4)).astype("float32")
    L = keras.losses
    cases = {
        L.MeanSquaredError(): ((p - t) ** 2).mean(),
        L.MeanAbsoluteError(): np.abs(p - t).mean(),
        L.MeanAbsolutePercentageError(): 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(),
        L.MeanSquaredLogarithmicError(): ((np.log(np.maximum(p, EPS) + 1)
                                           - np.log(np.maximum(t, EPS) + 1)) ** 2).mean(),
        L.LogCosh(): np.log(np.cosh(p - t)).mean(),
        L.Huber(delta=0.5): np.where(np.abs(p - t) <= 0.5, 0.5 * (p - t) ** 2,
                                     0.5 * np.abs(p - t) - 0.125).mean(),
        L.CosineSimilarity(): -(t / np.linalg.norm(t, axis=-1, keepdims=True)
                                * p / np.linalg.norm(p, axis=-1, keepdims=True)).sum(-1).mean(),
    }
    for loss, ref in cases.items():
        assert float(loss(t, p)) == pytest.approx(float(ref), rel=1e-4, abs=1e-6), loss.name


def test_prob_and_hinge_losses_vs_numpy():
    t = rng.uniform(0.1, 1, (3, 4)).astype("float32")
    p = rng.uniform(0.1, 1, (3, 4)).astype("float32")
    assert float(keras.losses.KLDivergence()(t, p)) == pytest.approx(
        (t * np.log(t / p)).sum(-1).mean(), rel=1e-5)
    assert float(keras.losses.Poisson()(t, p)) == pytest.approx(
        (p - t * np.log(p + EPS)).mean(), rel=1e-5)
    yb = rng.integers(0, 2, (3, 4)).astype("float32")
    s = 2 * yb - 1
    assert float(keras.losses.Hinge()(yb, p)) == pytest.approx(
        np.maximum(1 - s * p, 0).mean(), rel=1e-5)
    assert float(keras.losses.SquaredHinge()(yb, p)) == pytest.approx(
        (np.maximum(1 - s * p, 0) ** 2).mean(), rel=1e-5)
    oh = np.eye(4)[[0, 3, 1]].astype("float32")
    pos = (oh * p).sum(-1)
    neg = ((1 - oh) * p).max(-1)
    assert float(keras.losses.CategoricalHinge()(oh, p)) == pytest.approx(
        np.maximum(neg - pos + 1, 0).mean(), rel=1e-5)


def test_reductions_and_sample_weight():
    t = np.array([[0., 1.], [0., 0.]], "float32")
    p = np.array([[1., 1.], [1., 0.]], "float32")
    # TF docs for MeanSquaredError
    assert float(keras.losses.MeanSquaredError()(t, p)) == pytest.approx(0.5)
    assert float(keras.losses.MeanSquaredError()(t, p, sample_weight=[0.7, 0.3])) == \
        pytest.approx(0.25)
    assert float(keras.losses.MeanSquaredError(reduction="sum")(t, p)) == pytest.approx(1.0)
    np.testing.assert_allclose(keras.losses.MeanSquaredError(reduction="none")(t, p).numpy(),
                               [0.5, 0.5])
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        keras.losses.MeanSquaredError(reduction="bogus")


def test_rank_matching_and_errors():
    # (batch,) targets against (batch, 1) predictions: squeezed, not broadcast
    assert float(keras.losses.MeanSquaredError()([1., 2.], [[1.], [4.]])) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="labels.shape"):
        keras.losses.SparseCategoricalCrossentropy()(np.zeros((2, 3)), np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="incompatible"):
        keras.losses.CategoricalCrossentropy()(np.zeros((2, 4)), np.ones((2, 3)) / 3)


def test_get_serialize_and_gradients():
    assert keras.losses.get("mse") is keras.losses.mean_squared_error
    assert keras.losses.get("sparse_categorical_crossentropy") is \
        keras.losses.sparse_categorical_crossentropy
    assert isinstance(keras.losses.get("BinaryCrossentropy"), keras.losses.BinaryCrossentropy)
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        keras.losses.get("nope")
    cfg = keras.losses.serialize(keras.losses.Huber(delta=2.0))
    assert keras.losses.deserialize(cfg).get_config()["delta"] == 2.0
    x = tf.Variable(np.array([[0.3, -1.2, 2.0]], "float32"))
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)([2], x)
    g = tape.gradient(loss, x).numpy()
    sm = np.exp(x.numpy()) / np.exp(x.numpy()).sum()
    np.testing.assert_allclose(g, sm - np.eye(3)[[2]], rtol=1e-5)
