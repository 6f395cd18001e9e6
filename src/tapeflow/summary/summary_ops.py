"""`tf.summary`: writers, the default step, and summary ops writing TensorBoard events.

Eagerly a summary op writes at once. Inside `tf.function` it becomes a host
callback that writes when the compiled program runs (data, step and the
`record_if` condition may all be traced values), and returns a bool Tensor.

>>> import tapeflow as tf
>>> writer = tf.summary.create_file_writer("/tmp/logs")  # doctest: +SKIP
>>> with writer.as_default(step=0):  # doctest: +SKIP
...     tf.summary.scalar("loss", 0.25)
"""
import contextlib
import threading

import jax
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor
from .event_writer import EventWriter
from ..framework.name_scope import current_scope
from ..ops import logic_ops, math_ops

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "scalar", "histogram",
           "image", "text", "audio", "write", "record_if", "should_record_summaries", "flush",
           "get_step", "set_step", "summary_scope", "write_raw_pb"]

_STATE = threading.local()


def _state():
    if not hasattr(_STATE, "writer"):
        _STATE.writer, _STATE.step, _STATE.record = None, None, []
    return _STATE


class SummaryWriter:
    """Writes summaries to one log directory (`tf.summary.SummaryWriter`)."""

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None):
        self._logdir = logdir
        self._opts = (max_queue or 10, (flush_millis or 120000) / 1000.0,
                      filename_suffix or ".v2")
        self._events = None
        self._closed = False

    def _file(self):
        if self._events is None:
            q, secs, suffix = self._opts
            self._events = EventWriter(self._logdir, q, secs, suffix)
        return self._events

    def init(self):
        self._file()

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Makes this the default writer (and `step` the default step) inside the block."""
        st = _state()
        saved = (st.writer, st.step)
        st.writer = self
        if step is not None:
            st.step = step
        try:
            yield self
        finally:
            st.writer, st.step = saved
            self.flush()

    def set_as_default(self, step=None):
        st = _state()
        st.writer = self
        if step is not None:
            st.step = step

    def flush(self):
        if self._events is not None and not self._closed:
            self._events.flush()

    def close(self):
        if self._events is not None and not self._closed:
            self._events.close()
        self._closed = True

    def _write(self, kind, tag, step, data, *extra):
        """Calls EventWriter.<kind>(tag, data, [sample_rate,] step, [options...])."""
        if self._closed:
            raise RuntimeError("SummaryWriter is closed")
        f = getattr(self._file(), kind)
        if kind == "audio":
            f(tag, data, extra[0], step, *extra[1:])
        else:
            f(tag, data, step, *extra)


class _NoopWriter(SummaryWriter):
    def __init__(self):
        super().__init__(None)

    def _write(self, *args):
        pass

    def flush(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False):
    """A SummaryWriter for `logdir` (created on first write)."""
    return SummaryWriter(str(logdir), max_queue, flush_millis, filename_suffix)


def create_noop_writer():
    """A writer that records nothing."""
    return _NoopWriter()


def get_step():
    """`tf.summary.experimental.get_step()`: the default step (int, Variable or None)."""
    return _state().step


def set_step(step):
    """`tf.summary.experimental.set_step(step)`."""
    _state().step = step


@contextlib.contextmanager
def record_if(condition):
    """Summaries inside the block are written only when `condition` (or its call) holds."""
    st = _state()
    st.record.append(condition)
    try:
        yield
    finally:
        st.record.pop()


def _condition():
    conds = []
    for c in _state().record:
        c = c() if callable(c) else c
        conds.append(convert_to_tensor(c))
    return conds


def should_record_summaries():
    """Whether summaries would be written here (a default writer and every record_if)."""
    st = _state()
    if st.writer is None or isinstance(st.writer, _NoopWriter):
        return Tensor(np.asarray(False))
    ok = True
    for c in _condition():
        ok = ok and bool(np.all(np.asarray(c._value)))
    return Tensor(np.asarray(ok))


def flush(writer=None, name=None):
    w = writer if writer is not None else _state().writer
    if w is not None:
        w.flush()


@contextlib.contextmanager
def summary_scope(name, default_name=None, values=None):
    """Yields (tag, scope) for a summary name, as `tf.summary.experimental.summary_scope`."""
    tag = current_scope() + (name or default_name or "")
    yield tag, current_scope()


def _emit(kind, name, data, step, *extra):
    """Writes (eagerly) or stages a host write (traced); returns a bool Tensor."""
    st = _state()
    writer = st.writer
    if writer is None or isinstance(writer, _NoopWriter):
        return Tensor(np.asarray(False))
    step = st.step if step is None else step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument "
                         "or through tf.summary.experimental.set_step()")
    tag = current_scope() + name
    data = convert_to_tensor(data) if not isinstance(data, np.ndarray) else Tensor(data)
    step_t = convert_to_tensor(step)
    conds = _condition()
    values = [data._value, step_t._value] + [c._value for c in conds]
    if not any(isinstance(v, jax.core.Tracer) for v in values):
        if all(bool(np.all(np.asarray(c))) for c in values[2:]):
            writer._write(kind, tag, int(np.asarray(values[1])), np.asarray(values[0]), *extra)
            return Tensor(np.asarray(True))
        return Tensor(np.asarray(False))
    if data.dtype.name == "string":
        raise TypeError("string summaries inside tf.function need a concrete value")

    def host(d, s, *cs):
        if all(bool(np.all(c)) for c in cs):
            writer._write(kind, tag, int(s), np.asarray(d), *extra)
    jax.debug.callback(host, *values, ordered=True)
    ok = Tensor(np.asarray(True))
    for c in conds:
        ok = logic_ops.logical_and(ok, math_ops.cast(c, "bool"))
    return ok


def scalar(name, data, step=None, description=None):
    """Writes a scalar summary; returns True if written (False with no default writer)."""
    t = convert_to_tensor(data)
    if t.ndim != 0:
        raise ValueError(f"tf.summary.scalar: data must be a scalar; Received: shape {t.shape}")
    return _emit("scalar", name, t, step, description)


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of `data` (30 buckets by default)."""
    return _emit("histogram", name, data, step, 30 if buckets is None else int(buckets),
                 description)


def image(name, data, step=None, max_outputs=3, description=None):
    """Writes up to `max_outputs` images from `data` [k, h, w, c] (c in 1, 3, 4)."""
    t = convert_to_tensor(data)
    if t.ndim != 4 or t.shape[-1] not in (1, 3, 4):
        raise ValueError(f"tf.summary.image: data must have shape [k, h, w, c] with c in "
                         f"(1, 3, 4); Received: shape {t.shape}")
    return _emit("image", name, t[:max_outputs], step, description)


def text(name, data, step=None, description=None):
    """Writes a (tensor of) string(s) shown in TensorBoard's Text tab."""
    return _emit("text", name, data, step, description)


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Writes up to `max_outputs` clips from `data` [k, t, c] (floats in [-1, 1]) as WAV."""
    if encoding not in (None, "wav"):
        raise ValueError(f"tf.summary.audio: unknown encoding {encoding!r} (only 'wav')")
    t = convert_to_tensor(data)
    if t.ndim != 3:
        raise ValueError(f"tf.summary.audio: data must have shape [k, t, c]; Received: "
                         f"shape {t.shape}")
    rate = int(convert_to_tensor(sample_rate).numpy())
    return _emit("audio", name, t[:max_outputs], step, rate, description)


def write_raw_pb(tensor, step=None, name=None):
    """Writes serialized `Summary` protos (a string scalar or vector) as they are."""
    return _emit("raw_pb", name or "", tensor, step)


def write(tag, tensor, step=None, metadata=None, name=None):
    """Writes a raw tensor summary with optional SummaryMetadata (`tf.summary.write`)."""
    value = tensor() if callable(tensor) else tensor
    return _emit("tensor", tag, value, step, metadata)
