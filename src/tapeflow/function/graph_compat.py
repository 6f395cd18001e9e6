"""TF graph-era names that are plain in eager and compiled tapeflow programs:
`tf.no_op`, `tf.group`, `tf.tuple`, `tf.control_dependencies` (ops run in
program order, and XLA keeps data dependencies), `tf.get_current_name_scope`,
`tf.no_gradient`, `tf.grad_pass_through`, `tf.recompute_grad`,
`tf.type_spec_from_value`, `tf.timestamp`, `tf.get_logger`.

>>> import tapeflow as tf
>>> with tf.control_dependencies([tf.no_op()]):
...     y = tf.identity(1.0)
"""
import contextlib
import logging
import time

import numpy as np

from ..framework.name_scope import current_scope
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.gradient_registry import NotDifferentiable
from ..autodiff.custom_gradient import custom_gradient
from .tensor_spec import TensorSpec

__all__ = ["no_op", "group", "tuple", "control_dependencies", "get_current_name_scope",
           "no_gradient", "grad_pass_through", "recompute_grad", "type_spec_from_value",
           "timestamp", "get_logger"]


def no_op(name=None):
    """Does nothing (`tf.no_op`)."""
    return None


def group(*inputs, name=None):
    """Groups ops for control dependencies; nothing to wait for in tapeflow."""
    return None


def tuple(tensors, control_inputs=None, name=None):  # noqa: A001 - TF's name
    """The tensors, as a list (`tf.tuple`)."""
    return [None if t is None else convert_to_tensor(t) for t in tensors]


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """A context whose ops run after `control_inputs`: already the case in tapeflow."""
    yield


def get_current_name_scope():
    """The active `tf.name_scope` path, e.g. 'outer/inner' ('' at top level)."""
    return current_scope().rstrip("/")


def no_gradient(op_type):
    """Declares `op_type` non-differentiable (`tf.no_gradient`)."""
    NotDifferentiable(op_type)


def grad_pass_through(f):
    """`f` in the forward pass, identity in the backward pass (`tf.grad_pass_through`)."""

    @custom_gradient
    def wrapped(x):
        return f(x), lambda dy: dy
    return wrapped


def recompute_grad(f):
    """`tf.recompute_grad`: the same function (XLA decides what to keep for the gradient)."""
    return f


def type_spec_from_value(value):
    """The TypeSpec of a tensor or composite tensor."""
    spec = getattr(value, "_type_spec", None)
    if spec is not None:
        return spec
    return TensorSpec.from_tensor(convert_to_tensor(value))


def timestamp(name=None):
    """Seconds since the epoch, as a float64 scalar."""
    return Tensor(np.asarray(time.time(), np.float64))


def get_logger():
    """The 'tensorflow' logger (`tf.get_logger`)."""
    return logging.getLogger("tensorflow")

