"""`keras.constraints`: projections applied to a weight after each optimizer update.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.constraints.NonNeg()(tf.constant([-1.0, 2.0])).numpy()  # w * (w >= 0), as TF
array([-0.,  2.], dtype=float32)
"""
import numpy as np

import tapeflow as tf

from . import backend
from ._lookup import deserialize_object, lookup, serialize_object

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "RadialConstraint",
           "max_norm", "min_max_norm", "non_neg", "unit_norm", "radial_constraint", "get",
           "serialize", "deserialize"]


class Constraint:
    """Base class: `__call__(w)` returns the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales slices along `axis` whose L2 norm exceeds `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = tf.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms into [min_value, max_value] at speed `rate` (1 = at once)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = tf.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative entries to zero."""

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        return w * tf.cast(w >= 0.0, w.dtype)


class UnitNorm(Constraint):
    """Divides slices along `axis` by their L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


def _ring_source(size):
    """Selection matrix: each spatial cell -> the top-left diagonal cell of its ring."""
    c = size // 2
    odd = size % 2

    def dist(i):
        return abs(i - c) if odd else (i - c if i >= c else c - 1 - i)

    src = np.zeros((size * size, size * size))
    for i in range(size):
        for j in range(size):
            k = max(dist(i), dist(j))
            d = c - k if odd else c - 1 - k
            src[i * size + j, d * size + d] = 1.0
    return src


class RadialConstraint(Constraint):
    """Makes each 2-D kernel slice (H, W, in, out) constant on rings around its center.

    Every ring takes the value of its top-left diagonal cell.
    """

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        shape = w.shape.as_list()
        if len(shape) != 4 or shape[0] != shape[1]:
            raise ValueError("The weight tensor must have rank 4 with square spatial "
                             f"dimensions (height == width). Received weight tensor with "
                             f"shape: {tuple(shape)}")
        n = shape[0]
        sel = tf.constant(_ring_source(n), dtype=w.dtype)
        flat = tf.reshape(w, [n * n, shape[2] * shape[3]])
        return tf.reshape(tf.matmul(sel, flat), shape)


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
radial_constraint = RadialConstraint

_TABLE = {c.__name__: c for c in (MaxNorm, MinMaxNorm, NonNeg, UnitNorm, RadialConstraint)}
_TABLE.update({"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg,
               "unit_norm": UnitNorm, "radial_constraint": RadialConstraint})


def get(identifier):
    """'non_neg' / a config dict / a callable -> a constraint (None stays None)."""
    return lookup("constraint", _TABLE, identifier)


def serialize(constraint):
    return serialize_object(constraint)


def deserialize(config):
    return deserialize_object("constraint", _TABLE, config)
