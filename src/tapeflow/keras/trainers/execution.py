"""How a step runs: eagerly, as one compiled program, or k steps per compiled call.

`make_step_function(step, eager, k)` returns `fn(batches)` taking a tuple of
packed batches (one per step) and returning the last step's logs. Compiled with
k == 1: one `tapeflow.function` program per batch shape. With k > 1
(steps_per_execution), same-shaped NumPy batches are stacked (a zero-copy view
when they are back-to-back slices of one block) and run by one compiled
`tf.while_loop` around the step; a shorter group is zero-padded to k and the loop
runs only its real steps, so one loop program serves every group of that batch
shape. A batch of another shape (the short last one) runs as a single step. At
most `_IN_FLIGHT` compiled calls are queued ahead of the device.

With `masked_step(batch, n)` (fit/evaluate's default steps) a short batch is
padded to the full batch size (padding.py) and the program gets its real row
count `n`: one program serves every batch length. A step that raises
`CannotMask` while traced (keras/_row_mask.py) switches the function to the
per-shape programs above for good.

>>> fn = make_step_function(lambda data: {"n": data[0]}, eager=True)
>>> int(fn(((1,), (2,)))["n"])
2
"""
import collections

import jax
import numpy as np

import tapeflow as tf

from ... import nest
from ...ragged import bucketing
from .. import _row_mask
from . import data_adapter as da
from . import padding

__all__ = ["make_step_function", "groups"]


def _tensorize(data):
    def conv(v):
        if v is None or isinstance(v, (tf.Tensor, tf.Variable, tf.RaggedTensor)):
            return v
        return tf.convert_to_tensor(v)
    return nest.map_structure(conv, data)


def _as_arg(v):
    """NumPy leaves ride in Tensors as-is: the compiled call hands them to XLA directly.

    A RaggedTensor rides as a `bucketing.PaddedRagged` (rows padded to a
    power-of-two width + row lengths): few programs for all batch layouts.
    """
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return tf.Tensor._from_host(v)
    if isinstance(v, tf.RaggedTensor):
        return bucketing.encode(v)
    return v


def _ragged_in(step):
    """`step` seeing each PaddedRagged leaf of its batch as a RaggedTensor again."""
    def run(batch, *rest):
        batch = nest.map_structure(lambda v: v.to_ragged() if isinstance(
            v, bucketing.PaddedRagged) else v, batch)
        return step(batch, *rest)
    return run


def _args(batch):
    if isinstance(batch, tuple) and all(isinstance(v, np.ndarray) for v in batch):
        return tuple(_as_arg(v) for v in batch)
    return nest.map_structure(_as_arg, batch)


def _host(v):
    """The NumPy array behind a leaf (a NumPy array or a Tensor over one), else None."""
    if isinstance(v, np.ndarray):
        return v
    if type(v) is tf.Tensor and isinstance(v._value, np.ndarray):
        return v._value
    return None


def _host_batches(batches):
    """The batches with NumPy leaves, or None when some leaf lives elsewhere."""
    out = []
    for b in batches:
        leaves = nest.flatten(b)
        host = [_host(v) for v in leaves]
        if any(h is None and v is not None for h, v in zip(host, leaves)):
            return None
        out.append(nest.pack_sequence_as(b, host))
    return out


def _shapes(batch):
    return [getattr(v, "shape", None) for v in nest.flatten(batch)]


def _consecutive(vs):
    """True when the arrays are back-to-back C-contiguous views of one buffer."""
    v0 = vs[0]
    if not v0.flags.c_contiguous or v0.base is None:
        return False
    p0 = v0.__array_interface__["data"][0]
    return all(v.base is v0.base and v.shape == v0.shape and v.flags.c_contiguous and
               v.__array_interface__["data"][0] == p0 + i * v0.nbytes
               for i, v in enumerate(vs))


def _stack_leaf(*vs, k=None):
    """Stacks same-shaped arrays along a new leading axis of length k (default: len(vs)).

    Back-to-back views of one block are re-viewed, not copied; rows past len(vs)
    (padding for a short group) are zeros that the loop never runs.
    """
    if vs[0] is None:
        return None
    k = len(vs) if k is None else k
    if k == len(vs) and _consecutive(vs):
        shape, strides = (k,) + vs[0].shape, (vs[0].nbytes,) + vs[0].strides
        return _as_arg(np.lib.stride_tricks.as_strided(vs[0], shape, strides, writeable=False))
    block = np.zeros((k,) + vs[0].shape, vs[0].dtype)
    for i, v in enumerate(vs):
        block[i] = v
    return _as_arg(block)


def _stack(batches, k=None):
    """Same-shaped batches -> one structure of arrays with a leading axis of length k."""
    return nest.map_structure(lambda *vs: _stack_leaf(*vs, k=k), *batches)


def _loop_steps(step, stacked, n, rows=None):
    """Runs `step` on rows 0..n-1 of the leading axis with one compiled loop.

    With `rows` (the real row count of each stacked batch) the step is
    `step(batch, rows[i])`.
    """
    def at(i):
        batch = nest.map_structure(lambda a: tf.gather(a, i), stacked)
        return step(batch) if rows is None else step(batch, tf.gather(rows, i))
    logs = at(0)

    def body(i, logs):
        return i + 1, at(i)
    _, logs = tf.while_loop(lambda i, logs: i < n, body, (tf.constant(1), logs))
    return logs


_IN_FLIGHT = 4  # compiled calls queued ahead of the device at most


def _wait(logs):
    """Blocks until the compiled call that produced `logs` has finished."""
    jax.block_until_ready([getattr(v, "_value", None) for v in nest.flatten(logs)])


def groups(batches, k):
    """(x, y, sw) batches -> tuples of k packed batches (the last may be shorter)."""
    group = []
    for b in batches:
        group.append(da.pack_x_y_sample_weight(*b))
        if len(group) == k:
            yield tuple(group)
            group = []
    if group:
        yield tuple(group)


_MAX_PROGRAMS = 8  # batch shapes whose compiled step a step function keeps (ragged
# batches: one per power-of-two width bucket, ragged/bucketing.py)


def _sharded(batch, shard, axis=0):
    """The batch's array leaves laid out by `shard(array, axis)` (a tf.distribute strategy)."""
    def place(v):
        value = getattr(v, "_value", v)
        if isinstance(v, tf.Variable) or not isinstance(value, (np.ndarray, jax.Array)):
            return v
        return tf.Tensor._from_host(shard(value, axis))
    return nest.map_structure(place, batch)


def _has_strings(batch):
    """True when a leaf holds strings (the step then runs eagerly, preprocessing on host)."""
    for v in nest.flatten(batch):
        if isinstance(v, np.ndarray) and v.dtype.kind in "OSU":
            return True
        if isinstance(v, tf.Tensor) and v.dtype == tf.string:
            return True
    return False


def make_step_function(step, eager, k=1, shard=None, masked_step=None):
    """`fn(batches, full=None)`: runs `step` on each batch in order; returns the last logs.

    `shard(array, axis)` (from a tf.distribute strategy) lays each compiled
    call's batch out over devices: jax.jit then runs the step as one SPMD program.
    `masked_step(batch, n)` runs padded batches (see the module docstring); `full`
    is the batch size short batches are padded to (default: the first batch's).
    """
    step = _ragged_in(step)
    masked_step = None if masked_step is None else _ragged_in(masked_step)

    def run(batches):
        out = None
        for b in batches:
            out = step(b)
        return out
    if eager:
        return lambda batches, full=None: run(tuple(_tensorize(b) for b in batches))
    # retraces on new batch shapes are expected: no warning, and a bounded set of programs
    internal = {"tapeflow_internal": True, "max_traces": _MAX_PROGRAMS}
    single = tf.function(lambda batch: step(batch), jit_compile=True,
                         experimental_attributes=internal)
    looped = tf.function(lambda stacked, n: _loop_steps(step, stacked, n), jit_compile=True,
                         experimental_attributes=internal)
    pending = collections.deque()
    loop_shapes = []  # the batch shape the loop program runs (the first full group's)

    def queue(out):
        pending.append(out)
        if len(pending) > _IN_FLIGHT:  # bound the queue so inputs of queued calls don't pile up
            _wait(pending.popleft())
        return out

    def call(batches, full=None):
        if any(_has_strings(b) for b in batches):  # strings can't enter an XLA program
            return run(tuple(_tensorize(b) for b in batches))
        host = _host_batches(batches) if k > 1 else None
        if host is None:
            out = None
            for b in batches:
                out = queue(single(_args(b)))
            return out
        first = _shapes(host[0])
        if not loop_shapes and len(host) == k:
            loop_shapes.append(first)
        m = 0
        while m < len(host) and _shapes(host[m]) == first:
            m += 1
        out = None
        if loop_shapes and first == loop_shapes[0]:
            n = _as_arg(np.asarray(m, np.int32))
            out = queue(looped(_stack(host[:m], k=k), n))
            host = host[m:]
        for b in host:
            out = queue(single(_args(b)))
        return out
    if shard is not None:
        single0, looped0 = single, looped
        single = lambda batch: single0(_sharded(batch, shard))  # noqa: E731
        looped = lambda stacked, n: looped0(_sharded(stacked, shard, 1), n)  # noqa: E731
    call.single, call.looped = single, looped  # for introspection (tracing counts)
    if masked_step is None:
        return call
    return _padded(call, masked_step, k, queue)


def _padded(plain, masked_step, k, queue):
    """`fn(batches, full)` that pads short batches into one program (`plain`: fallback)."""
    internal = {"tapeflow_internal": True, "max_traces": _MAX_PROGRAMS}
    single = tf.function(lambda batch, n: masked_step(batch, n), jit_compile=True,
                         experimental_attributes=internal)
    looped = tf.function(lambda stacked, rows, n: _loop_steps(masked_step, stacked, n, rows),
                         jit_compile=True, experimental_attributes=internal)
    sizes = []  # the row counts of the padded programs, in the order they appeared
    state = {"masked": True}

    def target(rows, full):
        fits = [s for s in sizes if s >= rows]
        if fits:
            return min(fits)
        sizes.append(max(rows, full or 0))
        return sizes[-1]

    def pad(batches, full):
        out = []
        for b in batches:
            rows = padding.rows(b)
            if rows is None or rows == 0:
                return None
            size = target(rows, full)
            if rows < size:
                padded = padding.pad_rows(b, size)
                if padded is None:
                    return None
                b = padded[0]
            out.append((b, rows))
        return out

    def run(items, progress):
        """Runs the padded batches; `progress[0]` counts those that ran."""
        out, done = None, 0
        host = _host_batches([b for b, _ in items]) if k > 1 else None
        while done < len(items):
            if host is None:
                b, rows = items[done]
                out = queue(single(_args(b), _as_arg(np.asarray(rows, np.int32))))
                done = progress[0] = done + 1
                continue
            first, m = _shapes(host[done]), done
            while m < len(items) and _shapes(host[m]) == first:
                m += 1
            counts = np.zeros(k, np.int32)
            counts[:m - done] = [r for _, r in items[done:m]]
            out = queue(looped(_stack(host[done:m], k=k), _as_arg(counts),
                               _as_arg(np.asarray(m - done, np.int32))))
            done = progress[0] = m
        return out

    def call(batches, full=None):
        items = None
        if state["masked"] and not any(_has_strings(b) for b in batches):
            items = pad(batches, full)
        if items is None:
            return plain(batches)
        progress = [0]
        try:
            return run(items, progress)
        except _row_mask.CannotMask:  # raised while tracing: the failing batch never ran
            state["masked"] = False
            return plain(tuple(batches[progress[0]:]))
    call.single, call.looped = plain.single, plain.looped
    call.masked, call.masked_looped = single, looped
    call.pads = True  # takes `full`
    return call
