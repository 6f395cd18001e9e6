"""`tf.TensorArray` (see tensor_array.py).

>>> import tapeflow as tf
>>> tf.TensorArray(tf.int32, size=2).write(1, 5).stack().numpy()
array([0, 5], dtype=int32)
"""
from .tensor_array import TensorArray, TensorArraySpec  # noqa: F401
