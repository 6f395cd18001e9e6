"""`tf.summary.trace_on` / `trace_export` / `trace_off`: graphs and profiler traces.

With `graph=True`, the programs of the tf.functions traced between `trace_on`
and `trace_export` are written to the default writer as one GraphDef event
(TensorBoard's Graphs tab; `graph_def.py` turns each jaxpr into nodes, one
name scope per function); `tf.summary.graph` writes one function's graph. With `profiler=True` a JAX profiler trace
(TensorBoard's Profile tab) is recorded into `profiler_outdir` (or the default
writer's log directory).

>>> import tapeflow as tf
>>> tf.summary.trace_on(graph=True); tf.summary.trace_off()
"""
import gc

import jax

from .graph_def import graph_def
from ..function.polymorphic import ConcreteFunction, Function
from .summary_ops import _NoopWriter, _state, get_step

__all__ = ["trace_on", "trace_export", "trace_off", "graph"]

_TRACE = {"profiler": None, "graph": None}


def _functions():
    # type(), not isinstance(): a dead weakref proxy raises when asked for __class__
    return [o for o in gc.get_objects() if issubclass(type(o), Function)]


def _traces():
    """{id(trace entry): (function, entry)} of every traced tf.function alive."""
    return {id(e): (f, e) for f in _functions() for e in list(f._cache.values())}


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Starts recording the tf.functions traced from now on (and a profiler trace)."""
    if graph:
        _TRACE["graph"] = set(_traces())
    if profiler:
        writer = _state().writer
        outdir = profiler_outdir or (writer._logdir if writer is not None else None)
        if outdir is None:
            raise ValueError("tf.summary.trace_on(profiler=True) needs profiler_outdir or a "
                             "default writer")
        jax.profiler.start_trace(str(outdir))
        _TRACE["profiler"] = str(outdir)


def _programs(seen):
    programs = {}
    for key, (f, entry) in _traces().items():
        if key in seen or entry.jitted is None:
            continue
        name = f"{f._name}"
        while name in programs:
            name += "_1"
        programs[name] = ConcreteFunction(f, entry)._jaxpr()
    return programs


def trace_export(name, step=None, profiler_outdir=None):
    """Writes the recorded graphs to the default writer and stops the trace.

    `step` defaults to `tf.summary.experimental.get_step()`; one of them must be set.
    """
    seen, _TRACE["graph"] = _TRACE["graph"], None
    if seen is not None and name is not None:
        writer = _state().writer
        if writer is not None and not isinstance(writer, _NoopWriter):
            step = get_step() if step is None else step
            if step is None:
                raise ValueError("No step set. Please specify one either through the `step` "
                                 "argument or through tf.summary.experimental.set_step()")
            programs = _programs(seen)
            if programs:
                writer._file().graph(graph_def(programs), int(step))
    if _TRACE["profiler"] is not None:
        jax.profiler.stop_trace()
        _TRACE["profiler"] = None


def trace_off():
    """Stops tracing without exporting."""
    trace_export(None)


def graph(graph_data):
    """Writes a graph (`ConcreteFunction.graph`, or GraphDef bytes) to the default writer.

    Returns False when no default writer is set (nothing written), as TF does.

    >>> import tapeflow as tf
    >>> f = tf.function(lambda x: x * 2.0)
    >>> tf.summary.graph(f.get_concrete_function(tf.constant(1.0)).graph)
    False
    """
    writer = _state().writer
    if writer is None or isinstance(writer, _NoopWriter):
        return False
    if isinstance(graph_data, (bytes, bytearray)):
        data = bytes(graph_data)
    elif hasattr(graph_data, "_program"):
        data = graph_def(graph_data._program())
    else:
        raise TypeError(f"tf.summary.graph: graph_data must be a tf.function graph or "
                        f"serialized GraphDef bytes; Received: {type(graph_data).__name__}")
    writer._file().graph(data, 0)
    return True
