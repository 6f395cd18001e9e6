"""The op record hook: the stack of active GradientTapes and `record`.

Every op ends by calling `record(op_type, inputs, outputs, attrs)`. When no
tape is active that is one attribute read. When a tape is recording and one
of the inputs is watched, the op is appended to that tape as an `OpRecord`;
`autodiff/backward.py` later walks those records backwards.

This module sits at the bottom floor (framework) so that Tensor, Variable and
every op can record without importing the backward pass.

>>> from tapeflow.framework.recording import STATE
>>> STATE.tapes
[]
"""
import threading
import types

import ml_dtypes
import numpy as np

__all__ = ["OpRecord", "record", "recording_tapes", "stop_recording", "STATE", "DIFFERENTIABLE"]

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


def recording_tapes():
    """The active tapes that are recording now (not paused by `stop_recording`)."""
    return [t for t in STATE.tapes if t._recording]


def record(op_type, inputs, outputs, attrs=None, grad_fn=None):
    """Adds the op to every recording tape that watches one of its inputs.

    Floating outputs of a recorded op become watched on that tape. `grad_fn`
    overrides the registered gradient rule of `op_type` for this one record.
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
