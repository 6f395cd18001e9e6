"""`tf.summary.trace_on` / `trace_export` / `trace_off`: profiler traces for TensorBoard.

With `profiler=True` a JAX profiler trace (TensorBoard's Profile tab) is recorded
between `trace_on` and `trace_export`, into `profiler_outdir` (or the default
writer's log directory). tapeflow builds no TF GraphDef, so `graph=True` records
nothing for the Graphs tab (XLA's own dumps show compiled programs).

>>> import tapeflow as tf
>>> tf.summary.trace_on(graph=True); tf.summary.trace_off()
"""
import jax

__all__ = ["trace_on", "trace_export", "trace_off"]

_TRACE = {"profiler": None}


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Starts collecting a profiler trace (when `profiler`)."""
    if profiler:
        from .summary_ops import _state
        writer = _state().writer
        outdir = profiler_outdir or (writer._logdir if writer is not None else None)
        if outdir is None:
            raise ValueError("tf.summary.trace_on(profiler=True) needs profiler_outdir or a "
                             "default writer")
        jax.profiler.start_trace(str(outdir))
        _TRACE["profiler"] = str(outdir)


def trace_export(name, step=None, profiler_outdir=None):
    """Stops the trace and writes it (under `<logdir>/plugins/profile`)."""
    if _TRACE["profiler"] is not None:
        jax.profiler.stop_trace()
        _TRACE["profiler"] = None


def trace_off():
    """Stops tracing without exporting."""
    trace_export(None)
