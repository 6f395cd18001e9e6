"""The trace stack: tracing context shared by tapeflow.function, control flow and tf.random.

A trace pushes a `TraceContext` on a thread-local stack; while it is there
`executing_eagerly()` is False and variables hold tracers. `init_scope()`
lifts code out of the innermost trace: variables show their concrete values
again and jax evaluates ops eagerly.

>>> import tapeflow as tf
>>> tf.executing_eagerly()
True
"""
import contextlib

import jax
import numpy as np

from .jax_compat import eager_constant_folding
from .tensor import convert_to_tensor
from .trace_stack import STACK, current_trace
from .variables import HOOKS

__all__ = ["executing_eagerly", "init_scope", "get_static_value", "inside_function", "staged",
           "STACK", "current_trace", "TraceContext"]


class TraceContext:
    """State of one running trace: the variables whose values are tracers.

    `concrete` maps id(var) -> (var, concrete value before the trace); it is
    the value restored when the trace ends (init_scope updates it).
    """

    def __init__(self, allow_creation):
        self.concrete = {}
        self.known = []  # variables fed in as state, in order
        self.discovered = []  # variables touched but not in `known`
        self.created = []  # variables created during this trace
        self.allow_creation = allow_creation
        self.cf_depth = 0  # >0 inside a traced cond/while/scan body
        self.stage_unknown = False  # variables met mid-trace get traced copies (tracing.py)

    def remember(self, var):
        k = id(var)
        if k not in self.concrete:
            self.concrete[k] = (var, var._value)

    def all_vars(self):
        return [v for v, _ in self.concrete.values()]

    def restore(self):
        for var, val in self.concrete.values():
            var._swap_value(val)


def executing_eagerly():
    """False inside a tapeflow.function trace (`tf.executing_eagerly`).

    >>> executing_eagerly()
    True
    """
    return current_trace() is None


def inside_function():
    """True while a tapeflow.function is being traced (`tf.inside_function`)."""
    return current_trace() is not None


@contextlib.contextmanager
def init_scope():
    """Lifts the enclosed code out of any trace (`tf.init_scope`).

    Variables show their concrete values and ops run eagerly, so initial
    values computed here are real arrays, never traced constants.

    >>> with init_scope():
    ...     pass
    """
    ctx = current_trace()
    if ctx is None:
        yield
        return
    saved = [(v, v._value) for v in ctx.all_vars()]
    for var, val in ctx.concrete.values():
        var._swap_value(val)
    access, creator = HOOKS.access, HOOKS.creator
    HOOKS.access = HOOKS.creator = None
    STACK.lifted += 1
    try:
        with jax.ensure_compile_time_eval():
            yield
    finally:
        STACK.lifted -= 1
        HOOKS.access, HOOKS.creator = access, creator
        for var, traced in saved:  # concrete values may have moved (e.g. RNG state)
            ctx.concrete[id(var)] = (var, var._value)
            var._swap_value(traced)


def staged():
    """Undoes `jax.ensure_compile_time_eval` (on during traces) for one primitive.

    Traces run the user's function with constant folding on, so static shapes
    stay concrete; control-flow primitives and print callbacks must still be
    staged into the program even when their operands happen to be constants.
    """
    return eager_constant_folding(False)


def get_static_value(tensor, partial=False):
    """The NumPy value of a tensor when it is known without running a trace, else None.

    >>> import tapeflow as tf
    >>> get_static_value(tf.constant([1, 2]))
    array([1, 2], dtype=int32)
    """
    if tensor is None:
        return None
    v = convert_to_tensor(tensor)._value
    if isinstance(v, jax.core.Tracer):
        try:
            return np.asarray(jax.core.concrete_or_error(None, v))
        except Exception:  # noqa: BLE001 - any non-concrete tracer means "unknown"
            return None
    return np.asarray(v)
