"""Batching fused with the `map` before it, beyond `batch` (which is in transforms.py):
`padded_batch` pads the vectorized map's dense blocks (`pad_dense`), and
`map(fn).rebatch(n)` maps groups of elements in one compiled call and cuts their rows
into new batches (`mapped_rows`, `cut_rows`).

>>> import numpy as np
>>> [b.tolist() for b in cut_rows(iter([np.arange(3), np.arange(3, 5)]), 2, False)]
[[0, 1], [2, 3], [4]]
"""
import numpy as np

from ..framework import errors
from ..framework.tensor_shape import TensorShape
from . import structure
from .blocks import _index_blocks, stack
from .transforms import _groups
from .vectorize import _plain

__all__ = ["pad_dense", "mapped_rows", "cut_rows", "unbatch_rows"]


def _pad_value(value, dtype):
    if value is None:
        return b"" if dtype == object else np.zeros((), dtype)
    return structure.to_numpy_leaf(value)


def pad_dense(batch, padded_shapes=None, padding_values=None):
    """A batch of equal-shaped rows padded as `pad_stack` pads them (to `padded_shapes`;
    unknown dims keep the batch's size)."""
    leaves = structure.flat(batch)
    n = len(leaves)
    shapes = [None] * n if padded_shapes is None else (
        structure.flat(padded_shapes) if structure.is_structure(padded_shapes)
        else [padded_shapes])
    values = [None] * n if padding_values is None else (
        structure.flat(padding_values) if structure.is_structure(padding_values)
        else [padding_values] * n)
    out = []
    for a, shape, value in zip(leaves, shapes, values):
        want = TensorShape(shape).as_list() if shape is not None else None
        if want is None or TensorShape(shape).rank is None:
            out.append(a)
            continue
        if len(want) != a.ndim - 1:
            raise ValueError(f"The padded shape {want} is not compatible with the shape "
                             f"{list(a.shape[1:])} of a batch component.")
        target = [d if w in (None, -1) else int(w) for d, w in zip(a.shape[1:], want)]
        if any(d > t for d, t in zip(a.shape[1:], target)):
            raise errors.invalid_argument(
                f"Attempted to pad to a smaller size than the input element: element shape "
                f"{list(a.shape[1:])}, padded shape {target}.")
        if target == list(a.shape[1:]):
            out.append(a)
            continue
        arr = np.full([a.shape[0]] + target, _pad_value(value, a.dtype), dtype=a.dtype)
        arr[(slice(None),) + tuple(slice(0, d) for d in a.shape[1:])] = a
        out.append(arr)
    return structure.pack(batch, out)


def unbatch_rows(leaves):
    """The number of rows of an element being unbatched (TF's errors when it has none)."""
    sizes = {a.shape[0] if a.ndim else None for a in leaves}
    if None in sizes:
        raise errors.invalid_argument("Input element must have a non-scalar value in "
                                      "each component.")
    if len(sizes) > 1:
        raise errors.invalid_argument(
            f"Input element must have the same batch size in each component. Component "
            f"sizes: {[a.shape[0] for a in leaves]}")
    return sizes.pop() if sizes else 0


_GROUP = 64  # input elements per compiled call of a map before rebatch


def mapped_rows(map_ds):
    """The rows of `map_ds`'s elements in blocks: groups of elements mapped by one compiled
    call (elements of one shape), else element by element."""
    plan = map_ds._input._index_plan()
    if plan is not None:
        source, chunks = plan
        groups = (source._gather(idx) for idx in _index_blocks(chunks, _GROUP, False))
    else:
        groups = _groups(map_ds._input._elements(), _GROUP)
    bmap = map_ds._batched_map(_GROUP)
    for group in groups:
        block = group if not isinstance(group, list) else _stack_or_none(group)
        out = None if block is None else bmap(block)
        if out is not None:
            leaves = structure.flat(out)
            unbatch_rows([a[0] for a in leaves])  # TF's errors for elements without rows
            yield structure.pack(out, [a.reshape((-1,) + a.shape[2:]) for a in leaves])
            continue
        rows = group if isinstance(group, list) else [
            structure._map(lambda a: a[i], group) for i in range(len(structure.flat(group)[0]))]
        for row in rows:
            elem = map_ds._apply(row)
            unbatch_rows(structure.flat(elem))
            yield elem


def _stack_or_none(rows):
    if not all(_plain(r) for r in rows):
        return None
    try:
        return stack(rows)
    except errors.InvalidArgumentError:  # elements of different shapes
        return None


def cut_rows(blocks, size, drop):
    """Batches of `size` rows cut from a stream of row blocks (structures of arrays)."""
    pending, have = [], 0
    for block in blocks:
        n = len(structure.flat(block)[0])
        if not n:
            continue
        pending.append(block)
        have += n
        if have < size:
            continue
        joined = _concat(pending)
        full = have - have % size
        for s in range(0, full, size):
            yield structure._map(lambda a: a[s:s + size], joined)
        pending = [structure._map(lambda a: a[full:], joined)] if full < have else []
        have -= full
    if have and not drop:
        yield _concat(pending)


def _concat(blocks):
    if len(blocks) == 1:
        return blocks[0]
    flats = [structure.flat(b) for b in blocks]
    return structure.pack(blocks[0], [np.concatenate([f[c] for f in flats])
                                      for c in range(len(flats[0]))])
