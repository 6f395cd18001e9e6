"""Row blocks: stacking elements into batches and cutting index/record streams into blocks.

Shared by the batching nodes (batching.py), the vectorized map (transforms.py)
and the batched record parser (parse_map.py); it sits below all of them.

>>> [b.tolist() for b in _index_blocks(iter([np.arange(3), np.arange(3, 5)]), 2, False)]
[[0, 1], [2, 3], [4]]
"""
import itertools

import numpy as np

from ..framework import errors
from . import structure

__all__ = ["stack", "string_blocks", "cut_blocks"]


def stack(elements):
    """Stacks a list of same-structure elements into one batched element."""
    template = elements[0]
    flats = [structure.flat(e) for e in elements]
    out = []
    for c, first in enumerate(flats[0]):
        parts = [f[c] for f in flats]
        for k, p in enumerate(parts):
            if p.shape != first.shape:
                raise errors.invalid_argument(
                    f"Cannot batch tensors with different shapes in component {c}. First element "
                    f"had shape {list(first.shape)} and element {k} had shape {list(p.shape)}.")
        out.append(np.stack(parts))
    return structure.pack(template, out)


def _index_blocks(chunks, size, drop):
    pending, have = [], 0
    for c in chunks:
        start = 0
        if pending:
            need = size - have
            pending.append(c[:need])
            have += len(pending[-1])
            start = len(pending[-1])
            if have < size:
                continue
            yield np.concatenate(pending)
            pending, have = [], 0
        n = len(c)
        full_end = start + (n - start) // size * size
        for s in range(start, full_end, size):
            yield c[s:s + size]
        if full_end < n:
            pending, have = [c[full_end:]], n - full_end
    if pending and not drop:
        yield np.concatenate(pending)


def string_blocks(dataset):
    """Blocks of a record reader's scalar string elements as 1-D object arrays
    (TFRecordDataset), or None for other datasets."""
    blocks = getattr(dataset, "_string_blocks", None)
    return None if blocks is None else blocks()


def cut_blocks(blocks, size, drop):
    """Batches of `size` rows cut from a stream of 1-D arrays."""
    pending, have = [], 0
    for block in blocks:
        pending.append(block)
        have += len(block)
        if have < size:
            continue
        arr = np.concatenate(pending) if len(pending) > 1 else pending[0]
        full = have - have % size
        for s in range(0, full, size):
            yield arr[s:s + size]
        pending, have = ([arr[full:]], have - full) if full < have else ([], 0)
    if have and not drop:
        yield np.concatenate(pending)


def _stacked(elements, size, drop, stack):
    """Batches of `size` already-mapped elements."""
    while True:
        rows = list(itertools.islice(elements, size))
        if not rows or (drop and len(rows) < size):
            return
        yield stack(rows)
        if len(rows) < size:
            return
