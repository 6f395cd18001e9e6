"""fit/evaluate: a short last batch runs padded through the full batch's program and
gives the unpadded step's results (weights, history, metrics); models that can't
be masked fall back to one program per batch length."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

rng = np.random.default_rng(7)
X = rng.normal(size=(11, 5)).astype("float32")
Y = rng.integers(0, 3, 11)
SW = rng.uniform(0.5, 2.0, 11).astype("float32")


def _bn_model(extra=None):
    tf.random.set_seed(1)
    layers = [keras.Input((5,)), keras.layers.Dense(8), keras.layers.BatchNormalization(),
              keras.layers.Dense(3)]
    return keras.Sequential(layers + (extra or []))


def _train(eager, make=_bn_model, spe=1, metrics=("accuracy",), class_weight=None, **fit):
    model = make()
    model.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=list(metrics), weighted_metrics=["accuracy"], run_eagerly=eager,
                  steps_per_execution=spe)
    hist = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0,
                     class_weight=class_weight, **fit)
    ev = model.evaluate(X, Y, sample_weight=SW, batch_size=4, verbose=0, return_dict=True)
    return model, hist.history, ev


def _assert_same(a, b):
    for wa, wb in zip(a[0].get_weights(), b[0].get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    for key in a[1]:
        np.testing.assert_allclose(a[1][key], b[1][key], rtol=1e-5)
    for key in a[2]:
        np.testing.assert_allclose(a[2][key], b[2][key], rtol=1e-5)


@pytest.mark.parametrize("spe,weights", [
    (1, {"sample_weight": SW}), (3, {"class_weight": {0: 1.0, 1: 3.0, 2: 0.5}})])
def test_batchnorm_weighted_fit_matches_unpadded_eager_steps(spe, weights):
    """11 rows in batches of 4: the 3-row batch runs padded to 4 in the one program."""
    ref = _train(True, spe=spe, **weights)  # eager steps see the real rows only
    got = _train(False, spe=spe, **weights)
    _assert_same(got, ref)
    fn = got[0].train_function
    traced = fn.masked_looped if spe > 1 else fn.masked
    assert traced.experimental_get_tracing_count() == 1
    assert fn.single.experimental_get_tracing_count() == 0
    assert fn.looped.experimental_get_tracing_count() == 0
    assert got[0].test_function.single.experimental_get_tracing_count() == 0
    # the BN moving statistics saw the 3 real rows only, as in the unpadded step
    bn = got[0].layers[1]
    np.testing.assert_allclose(bn.moving_mean.numpy(), ref[0].layers[1].moving_mean.numpy(),
                               rtol=1e-5, atol=1e-7)


def test_new_lengths_compile_nothing(compiles):
    model = _bn_model()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    big = rng.normal(size=(40, 5)).astype("float32")
    labels = rng.integers(0, 3, 40)
    model.fit(big[:16], labels[:16], batch_size=8, verbose=0)
    model.evaluate(big[:16], labels[:16], batch_size=8, verbose=0)
    with compiles() as n:
        for k in (9, 13, 22, 31):
            model.fit(big[:k], labels[:k], batch_size=8, verbose=0)
            model.evaluate(big[:k], labels[:k], batch_size=8, verbose=0)
    assert n[0] == 0
    assert model.train_function.masked.experimental_get_tracing_count() == 1


def test_linear_regression_matches_numpy_steps():
    """Independent reference: SGD on a weighted MSE written in NumPy, tf.keras's
    SUM_OVER_BATCH_SIZE (sum of weighted per-sample losses / real samples)."""
    x = rng.normal(size=(7, 3)).astype("float32")
    y = rng.normal(size=(7, 2)).astype("float32")
    sw = rng.uniform(0.5, 2.0, 7).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    w0 = [rng.normal(size=(3, 2)).astype("float32"), np.zeros(2, "float32")]
    model.set_weights(w0)
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    hist = model.fit(x, y, sample_weight=sw, batch_size=3, epochs=2, shuffle=False, verbose=0)
    w, b = [v.astype("float64") for v in w0]
    losses, maes = [], []
    for _ in range(2):
        total = count = mae_total = 0.0
        for lo in range(0, 7, 3):
            xb, yb, sb = x[lo:lo + 3], y[lo:lo + 3], sw[lo:lo + 3]
            err = xb @ w + b - yb
            loss = (sb * (err ** 2).mean(-1)).sum() / len(xb)
            mae_total += np.abs(err).mean(-1).sum()
            g = 2 * err * sb[:, None] / (2 * len(xb))
            w, b = w - 0.05 * xb.T @ g, b - 0.05 * g.sum(0)
            total, count = total + loss * len(xb), count + len(xb)
        losses.append(total / count)
        maes.append(mae_total / 7)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hist.history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(hist.history["mae"], maes, rtol=1e-5)
    assert model.train_function.masked.experimental_get_tracing_count() == 1


def test_stateful_metrics_ignore_padded_rows():
    """evaluate in batches of 4 (10 rows) equals each metric updated once on all rows."""
    x = rng.normal(size=(10, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 10)]
    tf.random.set_seed(3)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])

    def metrics():
        return [keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="p"),
                keras.metrics.Recall(name="r"), keras.metrics.F1Score(average="macro", name="f1"),
                keras.metrics.TopKCategoricalAccuracy(k=2, name="top2"),
                keras.metrics.MeanIoU(3, sparse_y_true=False, sparse_y_pred=False, name="iou"),
                keras.metrics.RootMeanSquaredError(name="rmse"),
                keras.metrics.CategoricalAccuracy(name="acc")]
    model.compile("sgd", "categorical_crossentropy", metrics=metrics())
    got = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert model.test_function.masked.experimental_get_tracing_count() == 1
    pred = model.predict(x, verbose=0)
    for m in metrics():
        m.update_state(y, pred)
        np.testing.assert_allclose(got[m.name], m.result().numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=m.name)


class _Counter(keras.metrics.Metric):
    """A user metric that ignores sample weights (padding would change it)."""

    def __init__(self, name="seen"):
        super().__init__(name=name)
        self.n = self.add_weight(name="n")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n.assign_add(tf.cast(tf.shape(y_true)[0], tf.float32))

    def result(self):
        return tf.identity(self.n)


def _activity_model():
    tf.random.set_seed(1)
    return keras.Sequential([keras.Input((5,)), keras.layers.Dense(
        3, activity_regularizer=keras.regularizers.L2(0.1))])


def _time_distributed_bn():
    tf.random.set_seed(1)
    return keras.Sequential([keras.Input((5,)), keras.layers.Reshape((5, 1)),
                             keras.layers.TimeDistributed(keras.layers.BatchNormalization()),
                             keras.layers.Flatten(), keras.layers.Dense(3)])


@pytest.mark.parametrize("make,metrics", [
    (_activity_model, ("accuracy",)),           # activity losses sum over all rows
    (_time_distributed_bn, ("accuracy",)),      # BN sees batch*time rows
    (_bn_model, ("accuracy", _Counter)),        # a user Metric class
])
def test_unmaskable_models_fall_back_to_unpadded_programs(make, metrics):
    def fresh():
        return tuple(m() if isinstance(m, type) else m for m in metrics)
    got = _train(False, make, metrics=fresh())
    ref = _train(True, make, metrics=fresh())
    _assert_same(got, ref)
    assert got[0].train_function.single.experimental_get_tracing_count() == 2  # 4 and 3 rows
    if _Counter in metrics:
        assert got[1]["seen"] == [11.0]  # every real row once


def test_custom_train_step_sees_real_rows():
    seen = []

    class Custom(keras.Sequential):
        def train_step(self, data):
            seen.append(int(data[0].shape[0]))
            return super().train_step(data)
    model = Custom([keras.Input((5,)), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, Y, batch_size=4, verbose=0)
    assert sorted(set(seen)) == [3, 4]
    assert not hasattr(model.train_function, "masked")


def test_loss_without_a_value_per_sample_falls_back():
    """A user loss that averages the batch itself can't skip padded rows: unpadded steps."""
    def batch_mse(y_true, y_pred):
        return tf.reduce_mean(tf.square(tf.cast(y_true, tf.float32) - y_pred[:, :1]))
    hists = []
    for eager in (True, False):
        tf.random.set_seed(2)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
        model.compile("sgd", batch_mse, run_eagerly=eager)
        hists.append(model.fit(X, Y, batch_size=4, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(hists[1], hists[0], rtol=1e-6)
    assert model.train_function.single.experimental_get_tracing_count() == 2
