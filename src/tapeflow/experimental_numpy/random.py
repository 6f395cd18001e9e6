"""`tnp.random`: NumPy-style random numbers (float64 by default) from tf.random.

>>> import tapeflow.experimental_numpy as tnp
>>> tnp.random.seed(1); tnp.random.rand(2).shape
TensorShape([2])
"""
import numpy as np

from .. import _core as tf

from .promotion import default_float

__all__ = ["seed", "rand", "randn", "uniform", "randint", "standard_normal"]


def seed(s):
    tf.random.set_seed(int(s))


def rand(*size):
    return tf.random.uniform(list(size), dtype=tf.as_dtype(default_float()))


def randn(*size):
    return tf.random.normal(list(size), dtype=tf.as_dtype(default_float()))


def standard_normal(size=None):
    return tf.random.normal([] if size is None else list(np.atleast_1d(size)),
                            dtype=tf.as_dtype(default_float()))


def uniform(low=0.0, high=1.0, size=None):
    return tf.random.uniform([] if size is None else list(np.atleast_1d(size)), low, high,
                             dtype=tf.as_dtype(default_float()))


def randint(low, high=None, size=None, dtype=np.int64):
    if high is None:
        low, high = 0, low
    return tf.random.uniform([] if size is None else list(np.atleast_1d(size)), low, high,
                             dtype=tf.as_dtype(np.dtype(dtype)))
