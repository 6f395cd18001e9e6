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

__all__ = ["OpRecord", "RegisterGradient", "get_gradient", "record",
           "recording_tapes", "backward", "stop_recording"]

_GRADIENTS = {}


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
        self.attrs = attrs or {}
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
    """Declares that an op type has no gradient (its inputs get None)."""
    _GRADIENTS[op_type] = None


def get_gradient(op_type):
    try:
        return _GRADIENTS[op_type]
    except KeyError:
        raise LookupError(f"No gradient defined for operation '{op_type}' "
                          f"(op type: {op_type})") from None


def recording_tapes():
    return [t for t in STATE.tapes if t._recording]


def record(op_type, inputs, outputs, attrs=None, grad_fn=None):
    """Adds the op to every recording tape that watches one of its inputs."""
    tapes = STATE.tapes
    if not tapes:
        return
    rec = None
    for tape in tapes:
        if not tape._recording:
            continue
        watched = tape._watched
        for x in inputs:
            if id(x) in watched:
                break
        else:
            continue
        if rec is None:
            rec = OpRecord(op_type, tuple(inputs), tuple(outputs), attrs, grad_fn)
        tape._records.append(rec)
        for o in rec.outputs:
            if o.dtype._np is not None and (o.dtype.is_floating or o.dtype.is_complex):
                watched[id(o)] = o


class stop_recording:  # noqa: N801 - context manager, named like TF's
    """Pauses every active tape (used by backward passes and `tape.stop_recording`)."""

    def __init__(self, tapes=None):
        self._tapes = tapes

    def __enter__(self):
        tapes = STATE.tapes if self._tapes is None else self._tapes
        self._saved = [(t, t._recording) for t in tapes]
        for t, _ in self._saved:
            t._recording = False
        return self

    def __exit__(self, *exc):
        for t, was in self._saved:
            t._recording = was
        return False


def _unbroadcast(grad, shape):
    """Sums `grad` down to `shape` (the shape of the input it belongs to)."""
    from ..ops import array_ops, math_ops
    gshape = tuple(grad.shape)
    shape = tuple(shape)
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = list(range(lead))
    for i, d in enumerate(shape):
        if d == 1 and gshape[lead + i] != 1:
            axes.append(lead + i)
    if axes:
        grad = math_ops.reduce_sum(grad, axis=axes, keepdims=False)
    return array_ops.reshape(grad, shape)


def backward(records, targets, target_grads, wanted_ids):
    """Reverse-mode pass over `records`.

    targets / target_grads: the tensors to differentiate and their seeds.
    wanted_ids: ids of the tensors whose gradients are requested.
    Returns {id(tensor): gradient Tensor} for every reached tensor.
    """
    from ..ops import math_ops

    # Forward reachability from the wanted sources prunes useless records.
    reach = set(wanted_ids)
    live = []
    for rec in records:
        if any(id(x) in reach for x in rec.inputs):
            live.append(rec)
            for o in rec.outputs:
                reach.add(id(o))

    grads = {}
    for t, g in zip(targets, target_grads):
        k = id(t)
        grads[k] = g if k not in grads else math_ops.add(grads[k], g)

    for rec in reversed(live):
        outs = rec.outputs
        dys = [grads.get(id(o)) for o in outs]
        if all(d is None for d in dys):
            continue
        fn = rec.grad_fn if rec.grad_fn is not None else get_gradient(rec.type)
        if fn is None:
            continue
        if len(outs) > 1:
            from ..ops import array_ops
            dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, outs)]
        in_grads = fn(rec, *dys)
        if not isinstance(in_grads, (list, tuple)):
            in_grads = [in_grads]
        for x, g in zip(rec.inputs, in_grads):
            if g is None or id(x) not in reach:
                continue
            xd = x.dtype
            if not (xd.is_floating or xd.is_complex):
                continue
            g = _as_tensor(g)
            if g.dtype != xd:
                g = math_ops.cast(g, xd)
            g = _unbroadcast(g, x.shape)
            k = id(x)
            prev = grads.get(k)
            grads[k] = g if prev is None else math_ops.add(prev, g)
    return grads


def _as_tensor(g):
    from ..framework.tensor import convert_to_tensor
    return convert_to_tensor(g)
