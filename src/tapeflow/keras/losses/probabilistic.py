"""Cross-entropy family, KL divergence and Poisson losses, with TF's numerics.

Probabilities are clipped to [eps, 1 - eps] with eps = 1e-7, as tf.keras does:

>>> from tapeflow import keras
>>> round(float(keras.losses.BinaryCrossentropy()([0., 0., 1., 1.], [1., 1., 1., 0.])), 3)
11.523
"""
import tapeflow as tf

from . import numerics as nx
from .loss import LossFunctionWrapper, Reduction

__all__ = [
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson",
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "KLDivergence", "Poisson",
]


def _prep(y_true, y_pred):
    y_pred = nx.as_float(y_pred)
    y_true = nx.as_float(y_true, y_pred.dtype)
    return y_true, y_pred


def _check_same_shape(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(f"Shapes {tuple(y_true.shape)} and {tuple(y_pred.shape)} are "
                         "incompatible")


def _bce_elementwise(target, output, from_logits):
    if from_logits:  # max(x, 0) - x * z + log(1 + exp(-|x|))
        return tf.maximum(output, 0.0) - output * target + tf.math.log1p(tf.exp(-tf.abs(output)))
    eps = nx.epsilon()
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    bce = target * tf.math.log(output + eps)
    bce = bce + (1.0 - target) * tf.math.log(1.0 - output + eps)
    return -bce


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean binary cross-entropy over `axis`.

    >>> import numpy as np
    >>> np.round(binary_crossentropy([[0., 1.]], [[0.4, 0.6]]).numpy(), 4)
    array([0.5108], dtype=float32)
    """
    y_true, y_pred = _prep(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return tf.reduce_mean(_bce_elementwise(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Focal loss: BCE scaled by (1 - p_t) ** gamma (optionally class-balanced by alpha)."""
    y_true, y_pred = _prep(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    bce = _bce_elementwise(y_true, y_pred, from_logits)
    p = tf.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    focal = tf.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = focal * (y_true * alpha + (1.0 - y_true) * (1.0 - alpha))
    return tf.reduce_mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) labels and probabilities/logits.

    >>> import numpy as np
    >>> np.round(categorical_crossentropy([[0., 1., 0.]], [[0.05, 0.95, 0.]]).numpy(), 4)
    array([0.0513], dtype=float32)
    """
    y_true, y_pred = _prep(y_true, y_pred)
    _check_same_shape(y_true, y_pred)
    if label_smoothing:
        n = tf.cast(y_pred.shape[axis], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        return -tf.reduce_sum(y_true * nx.log_softmax(y_pred, axis), axis=axis)
    eps = nx.epsilon()
    y_pred = y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True)
    y_pred = tf.clip_by_value(y_pred, eps, 1.0 - eps)
    return -tf.reduce_sum(y_true * tf.math.log(y_pred), axis=axis)


def _sparse_labels(y_true, y_pred):
    labels = tf.convert_to_tensor(y_true)
    lr, pr = nx.rank(labels), nx.rank(y_pred)
    if lr == pr and labels.shape[-1] == 1:
        labels = tf.squeeze(labels, axis=-1)
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: labels.shape={tuple(labels.shape)} and "
            f"logits.shape={tuple(y_pred.shape)}")
    if labels.dtype.is_floating or labels.dtype.is_bool:
        labels = tf.cast(labels, tf.int64)
    return labels


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Cross-entropy for integer labels; `ignore_class` masks one label value.

    >>> import numpy as np
    >>> np.round(sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy(), 4)
    array([0.0513, 2.3026], dtype=float32)
    """
    y_pred = nx.as_float(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    mask = None
    if ignore_class is not None:
        mask = tf.not_equal(labels, tf.cast(ignore_class, labels.dtype))
        labels = tf.where(mask, labels, tf.zeros_like(labels))
    if from_logits:
        logp = nx.log_softmax(y_pred, axis)
    else:
        eps = nx.epsilon()
        logp = tf.math.log(tf.clip_by_value(y_pred, eps, 1.0 - eps))
        logp = logp - nx.logsumexp(logp, axis=axis, keepdims=True)
    hot = tf.one_hot(labels, int(y_pred.shape[-1]), dtype=y_pred.dtype)
    loss = -tf.reduce_sum(hot * logp, axis=axis)
    if mask is not None:
        loss = loss * tf.cast(mask, loss.dtype)
    return loss


sparse_categorical_crossentropy._sparse = True


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) with both clipped to [eps, 1]."""
    y_true, y_pred = _prep(y_true, y_pred)
    eps = nx.epsilon()
    y_true = tf.clip_by_value(y_true, eps, 1.0)
    y_pred = tf.clip_by_value(y_pred, eps, 1.0)
    return tf.reduce_sum(y_true * tf.math.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + eps))."""
    y_true, y_pred = _prep(y_true, y_pred)
    return tf.reduce_mean(y_pred - y_true * tf.math.log(y_pred + nx.epsilon()), axis=-1)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (`tf.keras.losses.BinaryCrossentropy`)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary cross-entropy (`tf.keras.losses.BinaryFocalCrossentropy`)."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction=Reduction.AUTO,
                 name="binary_focal_crossentropy"):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name,
                         apply_class_balancing=apply_class_balancing, alpha=alpha,
                         gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy over one-hot labels."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy over integer labels."""

    def __init__(self, from_logits=False, ignore_class=None, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits = from_logits


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence."""

    def __init__(self, reduction=Reduction.AUTO, name="kl_divergence"):
        super().__init__(kl_divergence, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """Poisson loss."""

    def __init__(self, reduction=Reduction.AUTO, name="poisson"):
        super().__init__(poisson, reduction=reduction, name=name)
