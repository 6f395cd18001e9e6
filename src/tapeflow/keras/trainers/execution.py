"""How a step runs: eagerly, as one compiled program, or k steps per compiled call.

`make_step_function(step, eager)` returns `fn(batches)` taking a tuple of packed
batches (one per step) and returning the last step's logs. Compiled: one
`tapeflow.function` program; several same-shaped batches (steps_per_execution)
are stacked (a zero-copy view when they are back-to-back slices of one block) and
run by one compiled `tf.while_loop` around the step. At most `_IN_FLIGHT` compiled
calls are queued ahead of the device.

>>> fn = make_step_function(lambda data: {"n": data[0]}, eager=True)
>>> int(fn(((1,), (2,)))["n"])
2
"""
import collections

import jax
import numpy as np

import tapeflow as tf

from ... import nest
from . import data_adapter as da

__all__ = ["make_step_function", "groups"]


def _tensorize(data):
    def conv(v):
        if v is None or isinstance(v, (tf.Tensor, tf.Variable)):
            return v
        return tf.convert_to_tensor(v)
    return nest.map_structure(conv, data)


def _as_arg(v):
    """NumPy leaves ride in Tensors as-is: the compiled call hands them to XLA directly."""
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        t = object.__new__(tf.Tensor)
        t._value = v
        return t
    return v


def _args(batch):
    if isinstance(batch, tuple) and all(isinstance(v, np.ndarray) for v in batch):
        return tuple(_as_arg(v) for v in batch)
    return nest.map_structure(_as_arg, batch)


def _same_shapes(batches):
    first = [getattr(v, "shape", None) for v in nest.flatten(batches[0])]
    return all([getattr(v, "shape", None) for v in nest.flatten(b)] == first
               for b in batches[1:]) and all(isinstance(v, np.ndarray)
                                             for v in nest.flatten(batches))


def _consecutive(vs):
    """True when the arrays are back-to-back C-contiguous views of one buffer."""
    v0 = vs[0]
    if not v0.flags.c_contiguous or v0.base is None:
        return False
    p0 = v0.__array_interface__["data"][0]
    return all(v.base is v0.base and v.shape == v0.shape and v.flags.c_contiguous and
               v.__array_interface__["data"][0] == p0 + i * v0.nbytes
               for i, v in enumerate(vs))


def _stack_leaf(*vs):
    """Stacks same-shaped arrays; back-to-back views of one block are re-viewed, not copied."""
    if _consecutive(vs):
        shape, strides = (len(vs),) + vs[0].shape, (vs[0].nbytes,) + vs[0].strides
        return _as_arg(np.lib.stride_tricks.as_strided(vs[0], shape, strides, writeable=False))
    return _as_arg(np.stack(vs))


def _stack(batches):
    """k batches -> one structure of arrays with a leading k axis."""
    return nest.map_structure(_stack_leaf, *batches)


def _loop_steps(step, stacked):
    """Runs `step` over the leading axis with one compiled loop (steps_per_execution)."""
    k = int(nest.flatten(stacked)[0].shape[0])
    logs = step(nest.map_structure(lambda a: a[0], stacked))

    def body(i, logs):
        return i + 1, step(nest.map_structure(lambda a: tf.gather(a, i), stacked))
    _, logs = tf.while_loop(lambda i, logs: i < k, body, (tf.constant(1), logs))
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


def make_step_function(step, eager):
    """`fn(batches)`: runs `step` on each batch in order; returns the last logs."""
    def run(batches):
        out = None
        for b in batches:
            out = step(b)
        return out
    if eager:
        return lambda batches: run(tuple(_tensorize(b) for b in batches))
    compiled = tf.function(run, jit_compile=True)
    looped = tf.function(lambda stacked: _loop_steps(step, stacked), jit_compile=True)

    pending = collections.deque()

    def call(batches):
        if len(batches) > 2 and _same_shapes(batches):
            out = looped(_stack(batches))
        else:
            out = compiled(tuple(_args(b) for b in batches))
        pending.append(out)
        if len(pending) > _IN_FLIGHT:  # bound the queue so inputs of queued calls don't pile up
            _wait(pending.popleft())
        return out
    return call
