"""The tape engine: op records, the gradient registry and the backward pass.

Every op ends by calling `record(op_type, inputs, outputs, attrs)`. When no
tape is active that is one attribute read. When a tape is recording and one
of the inputs is watched, the op is appended to that tape as an `OpRecord`.

Gradients come from one registered rule per op type (`RegisterGradient`),
written with tapeflow ops, so a backward pass run while an outer tape records
is itself recorded: that is how higher-order gradients work. Rules return
gradients in the *output's* broadcast shape; `backward` sums them back to
each input's shape once, here, instead of in every rule.

>>> @RegisterGradient("MyNeg")
... def _neg_grad(op, dy):
...     return [-dy]
"""
import threading
import types

import jax
import ml_dtypes
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["OpRecord", "RegisterGradient", "NotDifferentiable", "get_gradient", "record",
           "recording_tapes", "backward", "stop_recording", "ones_seed", "DIFFERENTIABLE"]

_GRADIENTS = {}
_NO_ATTRS = types.MappingProxyType({})

# NumPy dtypes whose tensors carry gradients (floating and complex).
DIFFERENTIABLE = frozenset(np.dtype(t) for t in (
    np.float16, ml_dtypes.bfloat16, np.float32, np.float64, np.complex64, np.complex128))


class _State(threading.local):
    def __init__(self):
        self.tapes = []  # GradientTapes in their `with` blocks, outermost first


STATE = _State()


class OpRecord:
    """One recorded op: its type, input and output tensors, and attributes."""

    __slots__ = ("type", "inputs", "outputs", "attrs", "grad_fn")

    def __init__(self, op_type, inputs, outputs, attrs, grad_fn=None):
        self.type = op_type
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs if attrs is not None else _NO_ATTRS
        self.grad_fn = grad_fn

    def get_attr(self, name):
        return self.attrs[name]

    def __repr__(self):
        return f"<OpRecord {self.type}>"


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


def recording_tapes():
    return [t for t in STATE.tapes if t._recording]


def record(op_type, inputs, outputs, attrs=None, grad_fn=None):
    """Adds the op to every recording tape that watches one of its inputs.

    Floating outputs of a recorded op become watched on that tape.
    """
    rec = None
    for tape in STATE.tapes:
        if not tape._recording:
            continue
        watched = tape._watched
        for x in inputs:
            if id(x) in watched:
                break
        else:
            continue
        if rec is None:
            rec = OpRecord(op_type, inputs if type(inputs) is tuple else tuple(inputs),
                           outputs if type(outputs) is tuple else tuple(outputs), attrs, grad_fn)
        tape._records.append(rec)
        for o in rec.outputs:
            if o._value.dtype in DIFFERENTIABLE:
                watched[id(o)] = o


class stop_recording:  # noqa: N801 - context manager, named like TF's
    """Pauses every active tape (or the given ones) inside a `with` block."""

    __slots__ = ("_tapes", "_saved")

    def __init__(self, tapes=None):
        self._tapes = tapes

    def __enter__(self):
        tapes = STATE.tapes if self._tapes is None else self._tapes
        self._saved = [(t, t._recording) for t in tapes]
        for t in tapes:
            t._recording = False
        return self

    def __exit__(self, *exc):
        for t, was in self._saved:
            t._recording = was
        return False


_ONES = {}


def ones_seed(t):
    """A Tensor of ones shaped like `t`: the default seed of a backward pass.

    Small concrete seeds are cached (jax arrays are immutable), which saves
    building a fresh array on every `tape.gradient` call; a traced target gets
    a seed traced into the same program.
    """
    from ..ops.dispatch import filled
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
    s = object.__new__(Tensor)
    s._value = a
    return s


_OPS = []


def _ops():
    """(math_ops, array_ops), imported on first use (they import this module)."""
    if not _OPS:
        from ..ops import array_ops, math_ops
        _OPS.extend((math_ops, array_ops))
    return _OPS


def _unbroadcast(grad, shape):
    """Sums `grad` down to `shape` (the shape of the input it belongs to).

    A gradient smaller than the input (a rule or custom gradient returning a
    broadcastable value) is broadcast up instead.
    """
    math_ops, array_ops = _ops()
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
    math_ops = _ops()[0]
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
            dys = [_ops()[1].zeros_like(o) if d is None else d for d, o in zip(dys, outs)]
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
