"""keras.metrics vs NumPy references, TF's documented examples and the spec's values."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

M = keras.metrics
rng = np.random.default_rng(0)


def test_auc_spec_values():
    m = M.AUC()
    m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    assert m.result().numpy() == pytest.approx(0.6666667, abs=1e-6)
    m.update_state([1, 1, 1, 1], [0, 1, 1, 0])
    assert m.result().numpy() == pytest.approx(0.71428573, abs=1e-6)
    m.reset_states()
    assert float(m.result()) == 0.0


def test_auc_vs_numpy_roc_and_pr():
    y = rng.integers(0, 2, 50)
    p = rng.uniform(size=50).astype("float32")
    # exact ROC AUC via ranks; 2000 thresholds approximates it closely
    pos, neg = p[y == 1], p[y == 0]
    exact = ((pos[:, None] > neg[None, :]).mean())
    assert float(M.AUC(num_thresholds=1000)(y, p)) == pytest.approx(exact, abs=5e-3)
    # TF docs: AUC(num_thresholds=3) on [0,0,1,1], [0,.5,.3,.9] -> 0.75
    assert float(M.AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])) == pytest.approx(0.75)
    pr = float(M.AUC(curve="PR", num_thresholds=1000)(y, p))
    order = np.argsort(-p)
    tp = np.cumsum(y[order]) / np.arange(1, 51)
    ap = (tp * y[order]).sum() / y.sum()  # average precision
    assert pr == pytest.approx(ap, abs=0.03)
    logits = np.log(p / (1 - p))
    assert float(M.AUC(num_thresholds=1000, from_logits=True)(y, logits)) == pytest.approx(
        exact, abs=5e-3)
    ml = M.AUC(multi_label=True, num_thresholds=1000)
    Y = np.stack([y, 1 - y], 1)
    P = np.stack([p, 1 - p], 1)
    assert float(ml(Y, P)) == pytest.approx(exact, abs=5e-3)


def test_mean_sum_wrapper_and_custom_subclass():
    m = M.Mean()
    m.update_state([1, 3, 5, 7])
    assert float(m.result()) == 4.0
    m.update_state([2.0], sample_weight=[4.0])
    assert float(m.result()) == pytest.approx((16 + 8) / 8)
    s = M.Sum()
    s([1.0, 2.0])
    assert float(s.result()) == 3.0
    mt = M.MeanTensor()
    mt.update_state([0., 1., 2.])
    mt.update_state([2., 3., 4.], sample_weight=[1., 0., 1.])
    np.testing.assert_allclose(mt.result().numpy(), [1., 1., 3.])

    class F1(M.Metric):  # spec 000's F1Score (in the project's own words)
        def __init__(self, name="f1", dtype="float32", **kwargs):
            super().__init__(name=name, dtype=dtype, **kwargs)
            self.tp = self.add_weight(name="tp", dtype=dtype, initializer="zeros")
            self.fp = self.add_weight(name="fp", dtype=dtype, initializer="zeros")
            self.fn = self.add_weight(name="fn", dtype=dtype, initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = tf.cast(tf.math.greater_equal(y_pred, 0.5), tf.bool)
            y_true = tf.cast(y_true, tf.bool)
            self.tp.assign_add(tf.reduce_sum(tf.cast(y_true & y_pred, self.dtype)))
            self.fp.assign_add(tf.reduce_sum(tf.cast(~y_true & y_pred, self.dtype)))
            self.fn.assign_add(tf.reduce_sum(tf.cast(y_true & ~y_pred, self.dtype)))

        def result(self):
            p = self.tp / (self.tp + self.fp)
            r = self.tp / (self.tp + self.fn)
            return p * r * 2.0 / (p + r)

    f = F1()
    f.update_state([0, 1, 0, 0], [0.3, 0.5, 0.8, 0.9])
    assert float(f.result()) == pytest.approx(0.5)
    f.update_state([1, 1, 1, 1], [0.1, 0.7, 0.6, 0.0])
    assert float(f.result()) == pytest.approx(0.6000000238418579)
    f.reset_state()
    assert [float(v) for v in f.variables] == [0.0, 0.0, 0.0]


def test_accuracy_metrics():
    # TF docs examples
    assert float(M.Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])) == 0.75
    assert float(M.BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])) == 0.75
    assert float(M.CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]],
                                         [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])) == 0.5
    assert float(M.SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3],
                                                            [0.05, 0.95, 0]])) == 0.5
    assert float(M.TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]],
                                                [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])) == 0.5
    assert float(M.SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8],
                                                               [0.05, 0.95, 0]])) == 0.5
    p = rng.normal(size=(40, 6)).astype("float32")
    y = rng.integers(0, 6, 40)
    ref = np.mean([y[i] in np.argsort(-p[i])[:3] for i in range(40)])
    assert float(M.SparseTopKCategoricalAccuracy(k=3)(y, p)) == pytest.approx(ref)
    ref = np.mean(p.argmax(-1) == y)
    m = M.SparseCategoricalAccuracy()
    m.update_state(y[:20], p[:20])
    m.update_state(y[20:], p[20:])
    assert float(m.result()) == pytest.approx(ref)


def test_confusion_metrics():
    yt, yp = [0, 1, 1, 1], [1, 0, 1, 1]
    assert float(M.TruePositives()(yt, yp)) == 2
    assert float(M.FalsePositives()(yt, yp)) == 1
    assert float(M.TrueNegatives()(yt, yp)) == 0
    assert float(M.FalseNegatives()(yt, yp)) == 1
    assert float(M.Precision()(yt, yp)) == pytest.approx(2 / 3)
    assert float(M.Recall()(yt, yp)) == pytest.approx(2 / 3)
    np.testing.assert_allclose(
        M.TruePositives(thresholds=[0.2, 0.7])([0, 1, 1], [0.5, 0.6, 0.9]).numpy(), [2, 1])
    # TF docs: Precision(top_k=2) and class_id
    assert float(M.Precision(top_k=2)([0, 0, 1, 1], [1, 1, 1, 1])) == pytest.approx(0.0)
    assert float(M.Precision(top_k=4)([0, 0, 1, 1], [1, 1, 1, 1])) == pytest.approx(0.5)
    assert float(M.Recall(class_id=1)([[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]])) == 1.0
    # TF docs values for the at-X family
    assert float(M.SensitivityAtSpecificity(0.5)([0, 0, 0, 1, 1],
                                                 [0, 0.3, 0.8, 0.3, 0.8])) == pytest.approx(0.5)
    assert float(M.SpecificityAtSensitivity(0.5)([0, 0, 0, 1, 1],
                                                 [0, 0.3, 0.8, 0.3, 0.8])) == pytest.approx(
        0.66666667, abs=1e-6)
    assert float(M.PrecisionAtRecall(0.5)([0, 0, 0, 1, 1],
                                          [0, 0.3, 0.8, 0.3, 0.8])) == pytest.approx(0.5)
    assert float(M.RecallAtPrecision(0.8)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])) == pytest.approx(0.5)


def test_f_scores_and_iou():
    yt = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.int32)
    yp = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)
    np.testing.assert_allclose(M.F1Score(threshold=0.5)(yt, yp).numpy(), [0.5, 0.8, 0.6666667],
                               rtol=1e-5)
    np.testing.assert_allclose(M.FBetaScore(beta=2.0, threshold=0.5)(yt, yp).numpy(),
                               [0.3846154, 0.90909094, 0.8333334], rtol=1e-5)
    assert float(M.F1Score(average="macro", threshold=0.5)(yt, yp)) == pytest.approx(
        np.mean([0.5, 0.8, 2 / 3]), rel=1e-5)
    pred = (yp > 0.5)
    tp = (pred & (yt == 1)).sum()
    prec, rec = tp / pred.sum(), tp / yt.sum()
    assert float(M.F1Score(average="micro", threshold=0.5)(yt, yp)) == pytest.approx(
        2 * prec * rec / (prec + rec), rel=1e-5)
    # TF docs: MeanIoU([0,0,1,1],[0,1,0,1]) == 0.33333334; IoU target class 0 weighted
    assert float(M.MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1])) == pytest.approx(1 / 3)
    m = M.IoU(num_classes=2, target_class_ids=[0])
    assert float(m([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])) == \
        pytest.approx(0.3 / (0.6 + 0.6 - 0.3), rel=1e-5)


def test_regression_metrics_vs_numpy():
    t = rng.normal(size=(6, 3)).astype("float32")
    p = rng.normal(size=(6, 3)).astype("float32")
    assert float(M.MeanSquaredError()(t, p)) == pytest.approx(((t - p) ** 2).mean(), rel=1e-5)
    assert float(M.RootMeanSquaredError()(t, p)) == pytest.approx(
        np.sqrt(((t - p) ** 2).mean()), rel=1e-5)
    assert float(M.MeanAbsoluteError()(t, p)) == pytest.approx(np.abs(t - p).mean(), rel=1e-5)
    cos = (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)
    assert float(M.CosineSimilarity()(t, p)) == pytest.approx(cos.mean(), rel=1e-5)
    assert float(M.LogCoshError()(t, p)) == pytest.approx(np.log(np.cosh(p - t)).mean(),
                                                          rel=1e-5)
    logits = rng.normal(size=(6, 3)).astype("float32")
    labels = rng.integers(0, 3, 6)
    ls = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    assert float(M.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)) == \
        pytest.approx(-ls[np.arange(6), labels].mean(), rel=1e-5)


def test_get_and_usable_in_compiled_function():
    assert M.get("mae") is keras.losses.mean_absolute_error
    assert isinstance(M.get("AUC"), M.AUC)
    with pytest.raises(ValueError, match="Unknown metric function"):
        M.get("nope")
    m = M.SparseCategoricalAccuracy()

    @tf.function
    def step(y, p):
        m.update_state(y, p)
        return m.result()

    p = np.array([[0.1, 0.9], [0.8, 0.2]], "float32")
    assert float(step(np.array([1, 1]), p)) == 0.5
    assert float(step(np.array([1, 0]), p)) == 0.75
