"""Tensor assertions checked while a compiled program runs, raised as TF's error.

A `tf.debugging.Assert` whose condition is only known when the program runs
becomes a host callback (`host_assert`). When the condition is False the
callback formats TF's graph-mode text — `assertion failed: [msg] [1 5]`,
tensors summarized as TF's `SummarizeValue` prints them — remembers it and
aborts the program. jax reports the abort as its own runtime error; the
tf.function call boundary (`raise_failed_assertion`, on the error path
only, so calls that succeed pay nothing) replaces it with
`tf.errors.InvalidArgumentError` carrying that text. Programs without an
assertion contain no callback at all. A program with one does not donate its
variables' buffers (the trace is marked `runtime_checks`): an aborted run
leaves every variable as it was, as TF's ordered assertion does.

>>> import numpy as np
>>> summarize_value(np.arange(12).reshape(3, 4), 3)
'[0 1 2...]...'
>>> summarize_value(np.array([1.5, 0.1, 1e-8, 3e10], np.float32), 3)
'1.5 0.1 1e-08...'
"""
import logging
import threading

import jax
import numpy as np

from ..framework.errors import InvalidArgumentError, OpError
from ..framework.trace_stack import current_trace

__all__ = ["summarize_value", "format_data", "host_assert", "raise_failed_assertion",
           "remember_host_failure"]

_FAILED = []  # texts of assertions that failed in running programs, newest last
_LOCK = threading.Lock()
_MARK = "tapeflow_assertion_failed"
_HOST_OP = "EagerPyFunc"  # py_function / numpy_function callbacks (pyfunc/py_function.py)


def _element(x, kind):
    if kind == "f":
        digits = (6, 9) if x.dtype.itemsize <= 4 else (15, 17)
        text = "%.*g" % (digits[0], x)
        same = np.float32(float(text)) == np.float32(x) if digits[0] == 6 else \
            float(text) == float(x)
        return text if same or not np.isfinite(x) else "%.*g" % (digits[1], x)
    if kind == "b":
        return "1" if x else "0"
    if kind == "c":
        return f"({_element(x.real, 'f')},{_element(x.imag, 'f')})"
    if isinstance(x, bytes):
        return x.decode("utf-8", "backslashreplace")
    return str(x)


def summarize_value(array, limit):
    """TF's summary of a tensor's values: the first `limit` (< 0: all) in row-major order."""
    a = np.asarray(array)
    if a.dtype.kind == "f" and a.dtype.itemsize < 4:
        a = a.astype(np.float32)
    kind = a.dtype.kind
    flat = a.reshape(-1)
    n = flat.size if limit is None or limit < 0 else min(int(limit), flat.size)
    if a.ndim <= 1:
        text = " ".join(_element(flat[i], kind) for i in range(n))
    else:
        out, pos = [], [0]

        def dim(d):  # one dimension, opening brackets only while elements remain
            if pos[0] >= n:
                return
            if d == a.ndim - 1:
                for i in range(a.shape[d]):
                    if pos[0] >= n:
                        out.append("...")
                        return
                    out.append((" " if i else "") + _element(flat[pos[0]], kind))
                    pos[0] += 1
                return
            for _ in range(a.shape[d]):
                opened = pos[0] < n
                if opened:
                    out.append("[")
                dim(d + 1)
                if opened:
                    out.append("]")
        dim(0)
        text = "".join(out)
    return text + ("..." if flat.size > n else "")


def format_data(data, arrays, summarize):
    """`assertion failed: [item] [item] ...`: strings as they are, tensors summarized."""
    it = iter(arrays)
    limit = 3 if summarize is None else summarize
    parts = [summarize_value(next(it), limit) if d is None else str(d) for d in data]
    return "assertion failed: " + " ".join(f"[{p}]" for p in parts)


def host_assert(ok, data, arrays, summarize=None, text=None):
    """Checks `all(ok)` when the program runs; `data` lists strings, None for each array.

    With `text` (and `ok` None) the check is `text(*arrays)`: the error's text, or None.
    """
    def check(*values):
        if text is not None:
            failed = text(*values)
        elif bool(np.all(np.asarray(values[0]))):
            return
        else:
            failed = format_data(data, values[1:], summarize)
        if failed is None:
            return
        with _LOCK:
            _FAILED.append(failed)
            del _FAILED[:-16]
        raise InvalidArgumentError(None, _MARK, failed)
    _quiet_jax_callback_log()
    trace = current_trace()
    if trace is not None:  # its program must not donate variable buffers (tracing.py)
        trace.runtime_checks = True
    jax.debug.callback(check, *([] if ok is None else [ok]), *arrays)


def remember_host_failure(error):
    """Keeps `error` (a tf.errors.OpError a host callback is about to raise, e.g. a
    py_function's) so the call boundary re-raises it instead of jax's runtime error."""
    _quiet_jax_callback_log()
    with _LOCK:
        _FAILED.append(error)
        del _FAILED[:-16]


def raise_failed_assertion(err):
    """Raises TF's error if `err` is jax's report of a failed `host_assert` (as
    InvalidArgumentError) or of a host callback that remembered its error."""
    if not _FAILED or isinstance(err, OpError):
        return
    text = str(err)
    with _LOCK:
        for i in range(len(_FAILED) - 1, -1, -1):
            item = _FAILED[i]
            if (item if isinstance(item, str) else item.message) in text:
                found = _FAILED.pop(i)
                break
        else:
            return
    if isinstance(found, str):
        raise InvalidArgumentError(None, None, found) from None
    raise type(found)(None, found.op, found.message) from None


class _DropOwnFailures(logging.Filter):
    """jax logs every exception a callback raises; a failed assertion is re-raised as
    InvalidArgumentError by the caller, so its log record is dropped."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, OpError) and exc.op in (_MARK, _HOST_OP))


_FILTERED = []


def _quiet_jax_callback_log():
    if not _FILTERED:
        _FILTERED.append(True)
        for fn in (jax.debug.callback, jax.pure_callback):
            logging.getLogger(fn.__module__).addFilter(_DropOwnFailures())
