"""`tf.summary`: TensorBoard summaries (summary_ops.py, trace.py, event_writer.py).

>>> import tapeflow as tf
>>> with tf.summary.create_noop_writer().as_default(step=0):
...     bool(tf.summary.scalar("x", 1.0))
False
"""
import types as _types

from .summary_ops import (SummaryWriter, audio, create_file_writer,  # noqa: F401
                          create_noop_writer, flush, get_step, histogram, image, record_if,
                          scalar, set_step, should_record_summaries, summary_scope, text,
                          write)
from .summary_ops import write_raw_pb as _write_raw_pb
from .trace import graph, trace_export, trace_off, trace_on  # noqa: F401

experimental = _types.SimpleNamespace(get_step=get_step, set_step=set_step,
                                      summary_scope=summary_scope, write_raw_pb=_write_raw_pb)
del _types
