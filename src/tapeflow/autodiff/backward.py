"""The backward pass: reverse-mode over a tape's op records.

Ops record themselves through `framework/recording.py`; their gradient rules
are registered by op type in `framework/gradient_registry.py` (the rules live
in `ops/*_grad.py`). `backward` walks a tape's records in reverse, calls each
op's rule and adds the gradients of tensors used several times. Rules return
gradients in the *output's* broadcast shape; `backward` sums them back to
each input's shape once, here, instead of in every rule.

>>> import tapeflow as tf
>>> x = tf.constant([1.0, 2.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> grads = backward(tape._records, [y], [ones_seed(y)], [id(x)])
>>> grads[id(x)].numpy()
array([2., 4.], dtype=float32)
"""
import jax
import numpy as np

from ..framework.gradient_registry import get_gradient
from ..framework.recording import DIFFERENTIABLE
from ..framework.tensor import Tensor, convert_to_tensor
from ..ops import array_ops, math_ops
from ..ops.dispatch import filled, wrap

__all__ = ["backward", "ones_seed"]

_ONES = {}


def ones_seed(t):
    """A Tensor of ones shaped like `t`: the default seed of a backward pass.

    Small concrete seeds are cached (jax arrays are immutable), which saves
    building a fresh array on every `tape.gradient` call; a traced target gets
    a seed traced into the same program.
    """
    v = t._value
    if isinstance(v, jax.core.Tracer):
        a = filled(v.shape, 1, v.dtype, like=v)
    else:
        key = (v.shape, v.dtype)
        a = _ONES.get(key)
        if a is None:
            a = filled(v.shape, 1, v.dtype)
            if v.size <= 4096:
                if len(_ONES) > 256:
                    _ONES.clear()
                _ONES[key] = a
    return wrap(a)


def _unbroadcast(grad, shape):
    """Sums `grad` down to `shape` (the shape of the input it belongs to).

    A gradient smaller than the input (a rule or custom gradient returning a
    broadcastable value) is broadcast up instead.
    """
    shape = tuple(shape)
    gshape = grad._value.shape
    lead = len(gshape) - len(shape)
    if lead >= 0:
        axes = list(range(lead))
        axes += [lead + i for i, d in enumerate(shape) if d == 1 and gshape[lead + i] != 1]
        if axes:
            grad = math_ops.reduce_sum(grad, axis=axes, keepdims=False)
        if grad._value.shape == shape:
            return grad
        if grad._value.size == int(np.prod(shape)):
            return array_ops.reshape(grad, list(shape))
    return array_ops.broadcast_to(grad, list(shape))


def _live_records(records, wanted_ids):
    """Records reachable forward from the wanted sources, in tape order."""
    reach = set(wanted_ids)
    live = []
    for rec in records:
        for x in rec.inputs:
            if id(x) in reach:
                live.append(rec)
                for o in rec.outputs:
                    reach.add(id(o))
                break
    return live, reach


def backward(records, targets, target_grads, wanted_ids):
    """Reverse-mode pass over `records`.

    targets / target_grads: the tensors to differentiate and their seeds.
    wanted_ids: ids of the tensors whose gradients are requested.
    Returns {id(tensor): gradient Tensor} for the wanted tensors reached.
    """
    add = math_ops.add
    live, reach = _live_records(records, wanted_ids)
    keep = set(wanted_ids)
    grads = {}
    for t, g in zip(targets, target_grads):
        k = id(t)
        grads[k] = g if k not in grads else add(grads[k], g)

    for rec in reversed(live):
        outs = rec.outputs
        if len(outs) == 1:
            k = id(outs[0])
            dy = grads.get(k) if k in keep else grads.pop(k, None)
            if dy is None:
                continue
            dys = (dy,)
        else:
            dys = [grads.get(id(o)) if id(o) in keep else grads.pop(id(o), None) for o in outs]
            if all(d is None for d in dys):
                continue
            dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, outs)]
        fn = rec.grad_fn
        if fn is None:
            fn = get_gradient(rec.type)
            if fn is None:
                continue
        in_grads = fn(rec, *dys)
        if type(in_grads) is not tuple and type(in_grads) is not list:
            in_grads = (in_grads,)
        for x, g in zip(rec.inputs, in_grads):
            if g is None:
                continue
            k = id(x)
            if k not in reach:
                continue
            xv = x._value
            xd = xv.dtype
            if xd not in DIFFERENTIABLE:
                continue
            if type(g) is not Tensor:
                g = convert_to_tensor(g)
            gv = g._value
            if gv.dtype != xd:
                g = math_ops.cast(g, x.dtype)
            if gv.shape != xv.shape:
                g = _unbroadcast(g, xv.shape)
            prev = grads.get(k)
            grads[k] = g if prev is None else add(prev, g)
    return grads
