"""The stack of running traces (thread-local): which tapeflow.function trace is active.

Kept apart from context.py (TraceContext, init_scope, ...) because Tensor
needs it too — a symbolic value used after its trace ended gets its own
error — and context.py builds on Tensor and Variable.

>>> current_trace() is None
True
"""
import threading

__all__ = ["STACK", "current_trace"]


class _Stack(threading.local):
    def __init__(self):
        self.traces = []  # TraceContext, outermost first
        self.lifted = 0  # depth of init_scope blocks
        self.run_eagerly = False


STACK = _Stack()


def current_trace():
    """The innermost running trace's TraceContext, or None (eager, or inside init_scope)."""
    s = STACK.traces
    return s[-1] if s and not STACK.lifted else None
