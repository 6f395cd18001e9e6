"""F-scores: FBetaScore and F1Score (micro / macro / weighted / per-class averages).

>>> import numpy as np
>>> m = F1Score(threshold=0.5)
>>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.int32),
...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32))
>>> np.round(m.result().numpy(), 4)
array([0.5   , 0.8   , 0.6667], dtype=float32)
"""
import tapeflow as tf

from ..losses import numerics as nx
from .metric import Metric, _tensor

__all__ = ["FBetaScore", "F1Score"]


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), per class."""

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, "
                             f"'micro', 'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError("`beta` value should be a float greater than 0. "
                             f"Received: beta={beta} of type {type(beta)}" if isinstance(
                                 beta, float) else "`beta` should be a Python float. "
                             f"Received: beta={beta} of type {type(beta)}")
        if threshold is not None and not 0.0 < threshold <= 1.0:
            raise ValueError("`threshold` should be a Python float in the range ]0, 1]. "
                             f"Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, num_classes):
        shape = () if self.average == "micro" else (num_classes,)
        self.true_positives = self.add_weight("true_positives", shape=shape)
        self.false_positives = self.add_weight("false_positives", shape=shape)
        self.false_negatives = self.add_weight("false_negatives", shape=shape)
        self.intermediate_weights = self.add_weight("intermediate_weights", shape=shape)
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(_tensor(y_true), self.dtype)
        y_pred = tf.cast(_tensor(y_pred), self.dtype)
        if not self._built:
            self._build(int(y_pred.shape[-1]))
        if self.threshold is None:
            top = tf.reduce_max(y_pred, axis=-1, keepdims=True)
            pred = tf.logical_and(y_pred >= top, tf.abs(y_pred) > 1e-12)
        else:
            pred = y_pred > self.threshold
        pred = tf.cast(pred, self.dtype)

        def wsum(v):
            if sample_weight is not None:
                v = v * tf.expand_dims(tf.cast(_tensor(sample_weight), self.dtype), 1)
            return tf.reduce_sum(v, axis=self.axis)
        self.true_positives.assign_add(wsum(pred * y_true))
        self.false_positives.assign_add(wsum(pred * (1.0 - y_true)))
        self.false_negatives.assign_add(wsum((1.0 - pred) * y_true))
        self.intermediate_weights.assign_add(wsum(y_true))

    def result(self):
        tp = self.true_positives.value()
        precision = nx.div_no_nan(tp, tp + self.false_positives.value())
        recall = nx.div_no_nan(tp, tp + self.false_negatives.value())
        b2 = self.beta ** 2
        f = nx.div_no_nan(precision * recall, b2 * precision + recall) * (1.0 + b2)
        if self.average == "weighted":
            w = self.intermediate_weights.value()
            return tf.reduce_sum(f * nx.div_no_nan(w, tf.reduce_sum(w)))
        if self.average is not None:
            return tf.reduce_mean(f)
        return f

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = super().get_config()
        config.update(average=self.average, beta=self.beta, threshold=self.threshold)
        return config


class F1Score(FBetaScore):
    """FBetaScore with beta = 1."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        config.pop("beta", None)
        return config
