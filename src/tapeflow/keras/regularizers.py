"""`keras.regularizers`: penalties on weights, added to `layer.losses`.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> float(keras.regularizers.L2(0.5)(tf.constant([1.0, 2.0])))
2.5
"""
import numpy as np

import tapeflow as tf

from ._lookup import deserialize_object, lookup, serialize_object

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize"]


def _check_factor(name, value):
    if value is not None and (not isinstance(value, (int, float, np.floating)) or value < 0):
        raise ValueError(f"Value for '{name}' must be a non-negative number. "
                         f"Received: {name}={value}")


class Regularizer:
    """Base class: `__call__(weight)` returns a scalar penalty."""

    def __call__(self, x):
        return tf.constant(0.0)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2).

    >>> float(L1L2(l1=1.0, l2=1.0)(tf.constant([-1.0, 2.0])))
    8.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        _check_factor("l1", l1)
        _check_factor("l2", l2)
        self.l1 = 0.0 if l1 is None else float(l1)
        self.l2 = 0.0 if l2 is None else float(l2)

    def __call__(self, x):
        x = tf.convert_to_tensor(x)
        total = tf.zeros((), x.dtype)
        if self.l1:
            total = total + tf.cast(self.l1, x.dtype) * tf.reduce_sum(tf.abs(x))
        if self.l2:
            total = total + tf.cast(self.l2, x.dtype) * tf.reduce_sum(tf.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum(|x|) (l1 = 0.01 by default)."""

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop("l", l1)
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(x^2) (l2 = 0.01 by default)."""

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop("l", l2)
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1=0.01, l2=0.01):
    """An L1L2 regularizer with both factors 0.01 by default."""
    return L1L2(l1=l1, l2=l2)


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthonormality.

    The penalty is `factor` times the mean absolute cosine similarity between
    distinct rows (mode='rows') or columns (mode='columns').
    """

    def __init__(self, factor=0.01, mode="rows"):
        _check_factor("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError("Invalid value for argument `mode`. Expected one of "
                             f"{{'rows', 'columns'}}. Received: mode={mode}")
        self.factor, self.mode = float(factor), mode

    def __call__(self, x):
        x = tf.convert_to_tensor(x)
        if x.shape.rank != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape={x.shape}")
        if self.mode == "columns":
            x = tf.transpose(x)
        x = x / tf.sqrt(tf.maximum(tf.reduce_sum(tf.square(x), axis=1, keepdims=True), 1e-12))
        n = x.shape[0]
        sims = tf.matmul(x, x, transpose_b=True)
        off = tf.constant(1.0 - np.eye(n), dtype=x.dtype)
        pairs = n * (n - 1) / 2.0
        return tf.cast(self.factor * 0.5 / pairs, x.dtype) * tf.reduce_sum(tf.abs(sims * off))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, orthogonal_regularizer = L1, L2, OrthogonalRegularizer

_TABLE = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
          "l1": L1, "l2": L2, "l1_l2": l1_l2, "orthogonal_regularizer": OrthogonalRegularizer}


def get(identifier):
    """'l2' / a config dict / a callable -> a regularizer (None stays None)."""
    return lookup("regularizer", _TABLE, identifier)


def serialize(regularizer):
    return serialize_object(regularizer)


def deserialize(config):
    return deserialize_object("regularizer", _TABLE, config)
