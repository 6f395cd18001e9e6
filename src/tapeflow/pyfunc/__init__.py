"""`tf.py_function` / `tf.numpy_function` (see py_function.py).

>>> import tapeflow as tf
>>> int(tf.py_function(lambda x: x + 1, [1], tf.int32))
2
"""
from ..framework.gradient_registry import RegisterGradient as _register
from .py_function import _py_func_grad, eager_py_func, numpy_function, py_function  # noqa: F401

_register("EagerPyFunc")(_py_func_grad)
