"""`tf.Module`: see module.py.

>>> import tapeflow as tf
>>> tf.Module(name="m").name
'm'
"""
from .module import Module  # noqa: F401
