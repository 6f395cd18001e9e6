"""The real rows of a padded batch, for the layers and metrics of one masked step.

`fit`/`evaluate` run a short (remainder) batch through the program of the full
batch size: the batch is padded with copies of its last row and the compiled
step gets the number of real rows `n`. While the step runs, `scope(n, size)`
makes the row mask visible to the code that looks across rows —
BatchNormalization's batch moments, the loss normalization and the metric
weights (keras/trainers/compile_utils.py) — so the step's results equal an
unpadded step's. Code that can't honour the mask raises `CannotMask` while the
step is traced; the trainer then compiles per batch length instead.

>>> import tapeflow as tf
>>> with scope(tf.constant(2), 3):
...     active().mask.numpy().tolist()
[1.0, 1.0, 0.0]
>>> active() is None
True
"""
import contextlib
import threading

import tapeflow as tf

__all__ = ["CannotMask", "Rows", "scope", "active", "require_rows", "row_weights"]


class CannotMask(Exception):
    """Raised while tracing a masked step that padding would change (the trainer then
    runs that model's steps unpadded, one program per batch length)."""


class Rows:
    """The row mask of a padded batch: `mask` (float32 [size]), `n` (float32 real rows)."""

    __slots__ = ("mask", "n", "size")

    def __init__(self, mask, n, size):
        self.mask, self.n, self.size = mask, n, size


class _State(threading.local):
    rows = None


_STATE = _State()


def active():
    """The Rows of the masked step being traced on this thread, or None."""
    return _STATE.rows


@contextlib.contextmanager
def scope(n, size):
    """Marks rows `0..n-1` of `size` as real while the body runs (n: an int Tensor)."""
    n = tf.convert_to_tensor(n)
    mask = tf.cast(tf.range(size, dtype=n.dtype) < n, tf.float32)
    previous = _STATE.rows
    _STATE.rows = Rows(mask, tf.cast(n, tf.float32), int(size))
    try:
        yield _STATE.rows
    finally:
        _STATE.rows = previous


def require_rows(tensor, who):
    """Raises CannotMask unless `tensor`'s first axis is the padded batch's rows."""
    rows = _STATE.rows
    shape = getattr(tensor, "shape", None)
    if shape is None or len(shape) == 0 or shape[0] != rows.size:
        raise CannotMask(f"{who}: its values do not have one row per sample "
                         f"(shape {None if shape is None else tuple(shape)}, "
                         f"batch of {rows.size} rows)")


def row_weights(rows, sample_weight):
    """`sample_weight` (None or any rank) times the row mask, shaped to broadcast."""
    if sample_weight is None:
        return rows.mask
    sw = tf.convert_to_tensor(sample_weight)
    if not sw.dtype.is_floating:
        sw = tf.cast(sw, tf.float32)
    rank = len(sw.shape)
    if rank == 0:
        return rows.mask * tf.cast(sw, tf.float32)
    if sw.shape[0] != rows.size:
        raise CannotMask(f"sample_weight of shape {tuple(sw.shape)} for a batch of "
                         f"{rows.size} rows")
    mask = tf.reshape(rows.mask, [rows.size] + [1] * (rank - 1))
    return sw * tf.cast(mask, sw.dtype)
