"""Accuracy metrics: Accuracy, Binary/Categorical/SparseCategorical and top-k variants.

>>> m = SparseCategoricalAccuracy()
>>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
0.5
"""
import tapeflow as tf

from ..losses import numerics as nx
from .metric import MeanMetricWrapper

__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy"]


def _t(x):
    return tf.convert_to_tensor(x)


def accuracy(y_true, y_pred):
    """1.0 where y_true == y_pred, else 0.0."""
    y_true, y_pred = _t(y_true), _t(y_pred)
    if y_true.dtype != y_pred.dtype:
        y_pred = tf.cast(y_pred, y_true.dtype)
    return tf.cast(tf.equal(y_true, y_pred), tf.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """mean(y_true == (y_pred > threshold), axis=-1).

    >>> binary_accuracy([[1.], [0.]], [[0.7], [0.8]]).numpy()
    array([1., 0.], dtype=float32)
    """
    y_pred = nx.as_float(_t(y_pred))
    y_true = tf.cast(_t(y_true), y_pred.dtype)
    pred = tf.cast(y_pred > tf.cast(threshold, y_pred.dtype), y_pred.dtype)
    return tf.reduce_mean(tf.cast(tf.equal(y_true, pred), tf.float32), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """argmax(y_true) == argmax(y_pred) per sample."""
    y_true, y_pred = _t(y_true), _t(y_pred)
    return tf.cast(tf.equal(tf.argmax(y_true, axis=-1), tf.argmax(y_pred, axis=-1)), tf.float32)


def _sparse_targets(y_true, y_pred):
    y_true = _t(y_true)
    if nx.rank(y_true) == nx.rank(y_pred) and nx.rank(y_true) > 0 and y_true.shape[-1] == 1:
        y_true = tf.squeeze(y_true, axis=-1)
    return tf.cast(y_true, tf.int64)


def sparse_categorical_accuracy(y_true, y_pred):
    """Integer label == argmax(y_pred) per sample."""
    y_pred = _t(y_pred)
    y_true = _sparse_targets(y_true, y_pred)
    return tf.cast(tf.equal(y_true, tf.argmax(y_pred, axis=-1)), tf.float32)


def _in_top_k(scores, targets, k):
    """True where the target's score is among the k largest (ties count as in)."""
    scores = nx.as_float(scores)
    hot = tf.one_hot(targets, int(scores.shape[-1]), dtype=scores.dtype)
    target_score = tf.reduce_sum(hot * scores, axis=-1, keepdims=True)
    better = tf.reduce_sum(tf.cast(scores > target_score, tf.int32), axis=-1)
    return tf.cast(better < k, tf.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where argmax(y_true) is among the top-k predictions."""
    y_true, y_pred = _t(y_true), _t(y_pred)
    return _in_top_k(y_pred, tf.argmax(y_true, axis=-1), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the top-k predictions."""
    y_pred = _t(y_pred)
    return _in_top_k(y_pred, _sparse_targets(y_true, y_pred), k)


for _fn in (sparse_categorical_accuracy, sparse_top_k_categorical_accuracy):
    _fn._sparse = True


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(predictions) matches one-hot labels."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(predictions) matches integer labels."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top `k` predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top `k` predictions."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype=dtype, k=k)
