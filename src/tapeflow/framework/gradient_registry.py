"""The gradient registry: one rule per op type (`tf.RegisterGradient`).

A rule takes `(op, *output_grads)` (op is the `OpRecord`) and returns one
gradient (or None) per input, written with tapeflow ops, so a backward pass
run while an outer tape records is itself recorded: that is how
higher-order gradients work. Rules live in `ops/*_grad.py`; the backward
pass (`autodiff/backward.py`) looks them up here by op type.

>>> @RegisterGradient("MyNeg")
... def _neg_grad(op, dy):
...     return [-dy]
>>> get_gradient("MyNeg") is _neg_grad
True
"""
__all__ = ["RegisterGradient", "NotDifferentiable", "get_gradient"]

_GRADIENTS = {}


class RegisterGradient:
    """Decorator registering the gradient rule of an op type.

    A rule takes `(op, *output_grads)` and returns one gradient (or None) per
    input; it is written with tapeflow ops.
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError(f"op_type must be a string. Received: op_type={op_type!r}")
        self._op_type = op_type

    def __call__(self, fn):
        if self._op_type in _GRADIENTS:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        _GRADIENTS[self._op_type] = fn
        return fn


def NotDifferentiable(op_type):  # noqa: N802 - TF's public name
    """Declares that an op type has no gradient (its inputs get None).

    >>> NotDifferentiable("MyArgMax")
    """
    _GRADIENTS[op_type] = None


def get_gradient(op_type):
    """The registered rule of `op_type` (None for non-differentiable ops)."""
    try:
        return _GRADIENTS[op_type]
    except KeyError:
        raise LookupError(f"No gradient defined for operation '{op_type}' "
                          f"(op type: {op_type})") from None
