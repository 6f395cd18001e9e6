"""`Dataset.shuffle`: TF's buffer shuffle.

A buffer of `buffer_size` slots is filled with the first elements; each
output picks a uniformly random slot and refills it with the next input
element; once the input is exhausted the rest of the buffer is emitted in
random order. Over in-memory data the same process runs on indices only,
vectorized a block at a time (`shuffle_indices`), and batches are gathered
with one fancy index.

>>> blocks = shuffle_indices(np.arange(5), 2, np.random.default_rng(0))
>>> sorted(np.concatenate(list(blocks)).tolist())
[0, 1, 2, 3, 4]
"""
import itertools
import threading

import numpy as np

from .pipeline import Node
from .. import random as _random

__all__ = ["ShuffleDataset", "shuffle_indices", "buffer_shuffle"]


def _resolve_seed(seed):
    """The op seed combined with tapeflow.random's global seed, if one is set."""
    g, s = _random.get_seed(seed)
    if g is not None or s is not None:
        return [int(g or 0), int(s or 0)]
    return None if seed is None else [int(seed)]


def _block(buf, inc, rng):
    """Steady state for one block: returns the outputs for `inc` and updates `buf`."""
    r = rng.integers(0, len(buf), len(inc), dtype=np.uint16 if len(buf) <= 1 << 16 else np.int64)
    order = np.argsort(r, kind="stable")  # a radix sort for 16-bit keys
    rs = r[order]
    first = np.ones(len(rs), dtype=bool)
    first[1:] = rs[1:] != rs[:-1]
    rs = rs.astype(np.intp)
    out = np.empty(len(inc), dtype=inc.dtype)
    # The first pick of a slot in this block sees the buffer; later picks see the
    # element written by the previous pick of the same slot.
    out[order[first]] = buf[rs[first]]
    prev = np.empty(len(rs), dtype=np.int64)
    prev[1:] = order[:-1]
    out[order[~first]] = inc[prev[~first]]
    last = np.ones(len(rs), dtype=bool)
    last[:-1] = rs[:-1] != rs[1:]
    buf[rs[last]] = inc[order[last]]
    return out


def shuffle_indices(chunks, buffer_size, rng, block=1 << 16):
    """Yields shuffled blocks of the index stream `chunks` (an array or iterable of arrays)."""
    if isinstance(chunks, np.ndarray):
        chunks = (chunks,)
    pending = []
    filled = 0
    it = iter(chunks)
    for c in it:
        pending.append(np.asarray(c, dtype=np.int64))
        filled += len(c)
        if filled >= buffer_size:
            break
    allidx = np.concatenate(pending) if pending else np.zeros(0, np.int64)
    if len(allidx) < buffer_size:
        return rng.permutation(allidx)
    return _stream(allidx, it, buffer_size, rng, block)


def _stream(allidx, it, buffer_size, rng, block):
    buf = allidx[:buffer_size].copy()
    rest = allidx[buffer_size:]
    for c in itertools.chain((rest,), it):
        c = np.asarray(c, dtype=np.int64)
        for s in range(0, len(c), block):
            yield _block(buf, c[s:s + block], rng)
    yield buf[rng.permutation(len(buf))]


def buffer_shuffle(elements, buffer_size, rng):
    """The same process over arbitrary Python elements (generic path)."""
    buf = []
    it = iter(elements)
    for e in it:
        buf.append(e)
        if len(buf) >= buffer_size:
            break
    draws = iter(())
    for e in it:
        j = next(draws, None)
        if j is None:
            draws = iter(rng.integers(0, buffer_size, 1024).tolist())
            j = next(draws)
        yield buf[j]
        buf[j] = e
    for j in rng.permutation(len(buf)).tolist():
        yield buf[j]


class ShuffleDataset(Node):
    """Randomly shuffled elements of its input (see module docstring)."""

    def __init__(self, input_dataset, buffer_size, seed, reshuffle):
        buffer_size = int(buffer_size)
        if buffer_size <= 0 and buffer_size != -1:
            raise ValueError(f"Invalid `buffer_size`: expected a positive integer (or "
                             f"tf.data.AUTOTUNE), received buffer_size={buffer_size}.")
        self._input = input_dataset
        self._size = buffer_size
        self._reshuffle = reshuffle
        seed = _resolve_seed(seed)
        self._seed = seed if seed is not None else [int(np.random.SeedSequence().entropy % 2**63)]
        self._epoch = 0  # epochs drawn so far (reshuffling): part of an iterator checkpoint
        self._lock = threading.Lock()

    def _inputs(self):
        return [self._input]

    def _card(self):
        return self._input._card()

    def _compute_spec(self):
        return self._input.element_spec

    def _rng(self):
        if not self._reshuffle:
            return np.random.default_rng(self._seed)
        with self._lock:
            k = self._epoch
            self._epoch += 1
        return np.random.default_rng(self._seed + [k])

    def _rng_state(self):
        """[seed..., next epoch]: what an iterator checkpoint saves to replay the order."""
        with self._lock:
            return list(self._seed) + [self._epoch]

    def _set_rng_state(self, state):
        with self._lock:
            self._seed = [int(x) for x in state[:-1]]
            self._epoch = int(state[-1])

    def _buffer(self):
        size = self._size
        if size == -1:  # AUTOTUNE: the whole input when finite
            n = self._input._card()
            size = n if n > 0 else 1024
        return size

    def _index_plan(self):
        plan = self._input._index_plan()
        if plan is None:
            return None
        source, chunks = plan
        out = shuffle_indices(chunks, self._buffer(), self._rng())
        if isinstance(out, np.ndarray):
            out = iter((out,))
        return source, out

    def _elements(self):
        plan = self._index_plan()
        if plan is not None:
            source, chunks = plan
            for c in chunks:
                for i in c:
                    yield source._element(i)
            return
        yield from buffer_shuffle(self._input._elements(), self._buffer(), self._rng())


