"""Threshold-based metrics: TP/FP/TN/FN counts, Precision, Recall, AUC and the
sensitivity/specificity/precision/recall-at-X family.

>>> m = AUC()
>>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
>>> round(float(m.result()), 6)
0.666667
"""
import numpy as np

import tapeflow as tf

from ..losses import numerics as nx
from .metric import Metric, _tensor

__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision",
           "Recall", "AUC", "PrecisionAtRecall", "RecallAtPrecision",
           "SensitivityAtSpecificity", "SpecificityAtSensitivity"]


def _confusion(y_true, y_pred, thresholds, sample_weight, multi_label=False,
               class_id=None, top_k=None, label_weights=None):
    """(tp, fp, tn, fn) per threshold (per label when multi_label)."""
    y_pred = nx.as_float(_tensor(y_pred), tf.float32)
    y_true = tf.cast(_tensor(y_true), tf.bool) if _tensor(y_true).dtype.is_bool else \
        tf.cast(_tensor(y_true), tf.float32) > 0.5
    y_pred, y_true = nx.match_ranks(y_pred, y_true) if nx.rank(y_pred) != nx.rank(y_true) \
        else (y_pred, y_true)
    if top_k is not None:
        y_pred = tf.where(_top_k_mask(y_pred, top_k), y_pred, tf.zeros_like(y_pred) - np.inf)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
    sw = None
    if sample_weight is not None:
        sw = nx.as_float(_tensor(sample_weight), tf.float32)
        while 0 < nx.rank(sw) < nx.rank(y_pred):
            sw = tf.expand_dims(sw, -1)
        sw = tf.broadcast_to(sw, list(y_pred.shape))
    if multi_label:
        n_labels = int(y_pred.shape[-1])
        y_pred = tf.reshape(y_pred, [-1, n_labels])
        y_true = tf.reshape(y_true, [-1, n_labels])
        sw = tf.reshape(sw, [-1, n_labels]) if sw is not None else None
    else:
        y_pred = tf.reshape(y_pred, [-1])
        y_true = tf.reshape(y_true, [-1])
        sw = tf.reshape(sw, [-1]) if sw is not None else None
    t = tf.constant(np.asarray(thresholds, "float32"))
    t = tf.reshape(t, [-1] + [1] * nx.rank(y_pred))
    pos = tf.expand_dims(y_pred, 0) > t
    lab = tf.expand_dims(y_true, 0)
    w = tf.ones_like(tf.cast(lab, tf.float32)) if sw is None else tf.expand_dims(sw, 0)
    f = lambda m: tf.reduce_sum(tf.cast(m, tf.float32) * w, axis=1)  # noqa: E731
    return (f(tf.logical_and(pos, lab)), f(tf.logical_and(pos, tf.logical_not(lab))),
            f(tf.logical_and(tf.logical_not(pos), tf.logical_not(lab))),
            f(tf.logical_and(tf.logical_not(pos), lab)))


def _top_k_mask(x, k):
    """True for the k largest entries per row (ties broken by lower index, as top_k)."""
    n = int(x.shape[-1])
    xi, xj = tf.expand_dims(x, -1), tf.expand_dims(x, -2)
    idx = tf.range(n)
    earlier = tf.expand_dims(idx, -1) > tf.expand_dims(idx, 0)  # [i, j]: j before i
    beats = tf.logical_or(xj > xi, tf.logical_and(tf.equal(xj, xi), earlier))
    return tf.reduce_sum(tf.cast(beats, tf.int32), -1) < k


def _thresholds(thresholds, default):
    if thresholds is None:
        return [default], True
    if isinstance(thresholds, (list, tuple, np.ndarray)):
        return [float(t) for t in thresholds], len(thresholds) == 1 and False
    return [float(thresholds)], True


class _ConfusionCount(Metric):
    _which = 0

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds, self._scalar = _thresholds(thresholds, 0.5)
        self.accumulator = self.add_weight("accumulator", shape=(len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        vals = _confusion(y_true, y_pred, self.thresholds, sample_weight)
        self.accumulator.assign_add(tf.cast(vals[self._which], self.dtype))

    def result(self):
        a = self.accumulator.value()
        return a[0] if self._scalar else tf.identity(a)

    def get_config(self):
        config = super().get_config()
        config["thresholds"] = self.init_thresholds
        return config


class TruePositives(_ConfusionCount):
    """Weighted count of true positives (per threshold)."""
    _which = 0


class FalsePositives(_ConfusionCount):
    """Weighted count of false positives (per threshold)."""
    _which = 1


class TrueNegatives(_ConfusionCount):
    """Weighted count of true negatives (per threshold)."""
    _which = 2


class FalseNegatives(_ConfusionCount):
    """Weighted count of false negatives (per threshold)."""
    _which = 3


class _PrecisionRecall(Metric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        default = -1e-7 if top_k is not None else 0.5
        self.thresholds, self._scalar = _thresholds(thresholds, default)
        n = len(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(n,))
        self._other = self.add_weight(self._other_name, shape=(n,))

    def update_state(self, y_true, y_pred, sample_weight=None):
        tp, fp, tn, fn = _confusion(y_true, y_pred, self.thresholds, sample_weight,
                                    class_id=self.class_id, top_k=self.top_k)
        self.true_positives.assign_add(tp)
        self._other.assign_add(fp if self._other_name == "false_positives" else fn)

    def result(self):
        tp = self.true_positives.value()
        r = nx.div_no_nan(tp, tp + self._other.value())
        return r[0] if self._scalar else r

    def get_config(self):
        config = super().get_config()
        config.update(thresholds=self.init_thresholds, top_k=self.top_k,
                      class_id=self.class_id)
        return config


class Precision(_PrecisionRecall):
    """tp / (tp + fp) at each threshold.

    >>> round(float(Precision()([0, 1, 1, 1], [1, 0, 1, 1])), 4)
    0.6667
    """
    _other_name = "false_positives"

    @property
    def false_positives(self):
        return self._other


class Recall(_PrecisionRecall):
    """tp / (tp + fn) at each threshold."""
    _other_name = "false_negatives"

    @property
    def false_negatives(self):
        return self._other


def _auc_thresholds(num_thresholds):
    eps = nx.epsilon()
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - eps] + inner + [1.0 + eps]


class _ConfusionTable(Metric):
    """Shared state for AUC and the at-X metrics: tp/fp/tn/fn per threshold."""

    def _init_table(self, thresholds, shape_tail=()):
        self.thresholds = list(thresholds)
        shape = (len(self.thresholds),) + tuple(shape_tail)
        self.true_positives = self.add_weight("true_positives", shape=shape)
        self.false_positives = self.add_weight("false_positives", shape=shape)
        self.true_negatives = self.add_weight("true_negatives", shape=shape)
        self.false_negatives = self.add_weight("false_negatives", shape=shape)

    def _accumulate(self, y_true, y_pred, sample_weight, **kw):
        vals = _confusion(y_true, y_pred, self.thresholds, sample_weight, **kw)
        for var, val in zip((self.true_positives, self.false_positives, self.true_negatives,
                             self.false_negatives), vals):
            var.assign_add(val)

    def _table(self):
        return [v.value() for v in (self.true_positives, self.false_positives,
                                          self.true_negatives, self.false_negatives)]


class AUC(_ConfusionTable):
    """Area under the ROC or PR curve, by a Riemann sum over `num_thresholds`."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name or "auc", dtype=dtype)
        if curve.upper() not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["ROC", "PR"]')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        if thresholds is not None:
            num_thresholds = len(thresholds) + 2
            eps = nx.epsilon()
            ths = [0.0 - eps] + sorted(float(t) for t in thresholds) + [1.0 + eps]
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            ths = _auc_thresholds(num_thresholds)
        self.num_thresholds = num_thresholds
        self.curve = curve.upper()
        self.summation_method = summation_method
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           "float32")
        self._from_logits = from_logits
        self._built_table = False
        if not multi_label or num_labels is not None:
            self._init_table(ths, (num_labels,) if multi_label else ())
            self._built_table = True
        self._ths = ths

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = nx.as_float(_tensor(y_pred), tf.float32)
        if self._from_logits:
            y_pred = tf.sigmoid(y_pred)
        if not self._built_table:
            self.num_labels = int(y_pred.shape[-1])
            self._init_table(self._ths, (self.num_labels,))
            self._built_table = True
        self._accumulate(y_true, y_pred, sample_weight, multi_label=self.multi_label)

    def result(self):
        tp, fp, tn, fn = self._table()
        if self.curve == "PR" and self.summation_method == "interpolation":
            per = self._interpolate_pr(tp, fp, fn)
        else:
            recall = nx.div_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x, y = nx.div_no_nan(fp, fp + tn), recall
            else:
                x, y = recall, nx.div_no_nan(tp, tp + fp)
            if self.summation_method == "interpolation":
                h = (y[:-1] + y[1:]) / 2.0
            elif self.summation_method == "minoring":
                h = tf.minimum(y[:-1], y[1:])
            else:
                h = tf.maximum(y[:-1], y[1:])
            per = (x[:-1] - x[1:]) * h
        auc = tf.reduce_sum(per, axis=0)
        if not self.multi_label:
            return auc
        if self.label_weights is None:
            return tf.reduce_mean(auc)
        w = tf.constant(self.label_weights)
        return nx.div_no_nan(tf.reduce_sum(auc * w), tf.reduce_sum(w))

    @staticmethod
    def _interpolate_pr(tp, fp, fn):
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = nx.div_no_nan(dtp, tf.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = tf.logical_and(p[:-1] > 0, p[1:] > 0)
        ratio = tf.where(both, nx.div_no_nan(p[:-1], tf.maximum(p[1:], 0.0)),
                         tf.ones_like(p[1:]))
        return nx.div_no_nan(slope * (dtp + intercept * tf.math.log(ratio)),
                             tf.maximum(tp[1:] + fn[1:], 0.0))

    def get_config(self):
        config = super().get_config()
        config.update(num_thresholds=self.num_thresholds, curve=self.curve,
                      summation_method=self.summation_method, multi_label=self.multi_label,
                      num_labels=self.num_labels, from_logits=self._from_logits,
                      label_weights=None if self.label_weights is None
                      else self.label_weights.tolist())
        return config


def _max_under_constraint(constrained, dependent, value):
    ok = constrained >= value
    best = tf.reduce_max(tf.where(ok, dependent, tf.zeros_like(dependent) - 1.0))
    return tf.where(tf.reduce_any(ok), best, tf.zeros_like(best))


class _AtX(_ConfusionTable):
    _arg = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not 0 <= value <= 1:
            raise ValueError(f"Argument `{self._arg}` must be in the range [0, 1]. "
                             f"Received: {self._arg}={value}")
        setattr(self, self._arg, value)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        self._init_table(_auc_thresholds(num_thresholds) if num_thresholds > 1 else [0.5])

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._accumulate(y_true, y_pred, sample_weight, class_id=self.class_id)

    def _rates(self):
        tp, fp, tn, fn = self._table()
        return {"sens": nx.div_no_nan(tp, tp + fn), "spec": nx.div_no_nan(tn, tn + fp),
                "prec": nx.div_no_nan(tp, tp + fp)}

    def result(self):
        r = self._rates()
        return _max_under_constraint(r[self._given], r[self._wanted], self.value)

    def get_config(self):
        config = super().get_config()
        config.update({self._arg: self.value, "num_thresholds": self.num_thresholds,
                       "class_id": self.class_id})
        return config


class SensitivityAtSpecificity(_AtX):
    """Best sensitivity (recall) among thresholds whose specificity >= `specificity`."""
    _arg, _given, _wanted = "specificity", "spec", "sens"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtX):
    """Best specificity among thresholds whose sensitivity >= `sensitivity`."""
    _arg, _given, _wanted = "sensitivity", "sens", "spec"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtX):
    """Best precision among thresholds whose recall >= `recall`."""
    _arg, _given, _wanted = "recall", "sens", "prec"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtX):
    """Best recall among thresholds whose precision >= `precision`."""
    _arg, _given, _wanted = "precision", "prec", "sens"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
