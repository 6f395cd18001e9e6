"""Hinge losses: Hinge, SquaredHinge, CategoricalHinge.

Binary labels in {0, 1} are mapped to {-1, 1} first, as tf.keras does.

>>> from tapeflow import keras
>>> round(float(keras.losses.Hinge()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]])), 3)
1.3
"""
import tapeflow as tf

from . import numerics as nx
from .loss import LossFunctionWrapper, Reduction

__all__ = ["hinge", "squared_hinge", "categorical_hinge", "Hinge", "SquaredHinge",
           "CategoricalHinge"]


def _prep(y_true, y_pred):
    y_pred = nx.as_float(y_pred)
    return nx.as_float(y_true, y_pred.dtype), y_pred


def _to_signed(y_true):
    is_binary = tf.reduce_all(tf.logical_or(tf.equal(y_true, 0.0), tf.equal(y_true, 1.0)))
    return tf.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1)."""
    y_true, y_pred = _prep(y_true, y_pred)
    y_true = _to_signed(y_true)
    return tf.reduce_mean(tf.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(square(max(1 - y_true * y_pred, 0)), axis=-1)."""
    y_true, y_pred = _prep(y_true, y_pred)
    y_true = _to_signed(y_true)
    return tf.reduce_mean(tf.square(tf.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)."""
    y_true, y_pred = _prep(y_true, y_pred)
    pos = tf.reduce_sum(y_true * y_pred, axis=-1)
    neg = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return tf.maximum(neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss."""

    def __init__(self, reduction=Reduction.AUTO, name="hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss."""

    def __init__(self, reduction=Reduction.AUTO, name="squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss."""

    def __init__(self, reduction=Reduction.AUTO, name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction=reduction, name=name)
