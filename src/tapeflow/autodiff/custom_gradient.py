"""`tf.custom_gradient`: a function that supplies its own gradient.

The decorated `f(*args)` returns `(y, grad_fn)`. Calling it runs `f` with
every tape paused, then records ONE op on the tapes watching its inputs: its
inputs are the arguments (and the trainable variables `f` read), its outputs
fresh tensors holding `y`, and its gradient rule `grad_fn`. `grad_fn` runs in
the backward pass like any registered rule, so an outer tape records the ops
it uses and higher-order gradients go through it.

>>> import tapeflow as tf
>>> @tf.custom_gradient
... def clip_grad(x):
...     def grad(upstream):
...         return tf.clip_by_value(upstream, -1.0, 1.0)
...     return tf.identity(x), grad
>>> x = tf.constant(2.0)
>>> with tf.GradientTape() as t:
...     t.watch(x)
...     y = clip_grad(x) * 10.0
>>> float(t.gradient(y, x))
1.0
"""
import functools
import inspect

from .. import nest
from ..framework import variables as _variables
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework import recording

__all__ = ["custom_gradient"]


def custom_gradient(f=None):
    """Decorator: `f(*args) -> (y, grad_fn)`; gradients of `y` come from `grad_fn`.

    `grad_fn(*upstream)` returns one gradient per positional argument. When
    `f` reads trainable Variables that are not arguments, `grad_fn` must take
    a `variables` keyword and return `(input_grads, variable_grads)`.

    >>> @custom_gradient
    ... def double(x):
    ...     return x * 2.0, lambda dy: dy * 2.0
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return _call(f, args, kwargs)

    return decorated


def _call(f, args, kwargs):
    read = {}
    prev_hook = _variables.HOOKS.access

    def on_access(var, kind):
        if kind == "read":
            read.setdefault(id(var), var)
        if prev_hook is not None:
            prev_hook(var, kind)

    _variables.HOOKS.access = on_access
    try:
        with recording.stop_recording():
            result, grad_fn = f(*args, **kwargs)
    finally:
        _variables.HOOKS.access = prev_hook
    flat_args = nest.flatten(args)
    arg_ids = {id(a) for a in flat_args}
    used_vars = [v for k, v in read.items() if k not in arg_ids and v.trainable]
    if used_vars and not _accepts_variables(grad_fn):
        names = [v.name for v in used_vars]
        raise TypeError("@tf.custom_gradient grad_fn must accept keyword argument "
                        f"'variables', since function uses variables: {names}")
    inputs = tuple(_as_input(a, i) for i, a in enumerate(flat_args))
    inputs += tuple(v._as_tensor() for v in used_vars)
    flat_res = nest.flatten(result)
    outputs = []
    for r in flat_res:
        outputs.append(Tensor._from_host(convert_to_tensor(r)._value))
    rule = _make_rule(grad_fn, len(flat_args), used_vars, flat_res)
    if recording.STATE.tapes:
        recording.record(getattr(f, "__name__", "CustomGradient"), inputs, tuple(outputs),
                      None, rule)
    return nest.pack_sequence_as(result, outputs)


def _as_input(a, i):
    try:
        return convert_to_tensor(a)
    except (TypeError, ValueError) as e:
        raise TypeError(f"@tf.custom_gradient arguments must be tensors or convertible to "
                        f"tensors; positional argument {i} is {a!r}") from e


def _accepts_variables(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def _make_rule(grad_fn, n_args, used_vars, flat_res):
    def rule(op, *dys):
        if used_vars:
            res = grad_fn(*dys, variables=used_vars)
            if not isinstance(res, (list, tuple)) or len(res) != 2:
                raise ValueError("@tf.custom_gradient grad_fn must return (input_grads, "
                                 "variable_grads) when the function uses variables.")
            input_grads, var_grads = res
            var_grads = list(nest.flatten(var_grads))
            if len(var_grads) != len(used_vars):
                raise ValueError("Must return gradient for each variable from "
                                 "@custom_gradient grad_fn.")
        else:
            input_grads, var_grads = grad_fn(*dys), []
        flat = nest.flatten(input_grads)
        if len(flat) != n_args:
            raise ValueError(f"custom_gradient function expected to return {n_args} "
                             f"gradients, but returned {len(flat)} instead.")
        return list(flat) + var_grads
    return rule
