"""Batching: batch, padded_batch, unbatch, rebatch, window, bucket_by_sequence_length.

Over in-memory sources `batch` gathers each batch with one fancy index
(`x[idx]`) instead of stacking elements one at a time.

>>> [b.tolist() for b in tf.data.Dataset.range(5).batch(2).as_numpy_iterator()]
[[0, 1], [2, 3], [4]]
"""
import numpy as np

from ..framework import errors
from ..framework.tensor_shape import TensorShape
from . import structure
from .pipeline import INFINITE, UNKNOWN, Node
from .blocks import _index_blocks, cut_blocks, stack, string_blocks  # noqa: F401
from .fused_batching import _pad_value, cut_rows, mapped_rows, pad_dense, unbatch_rows
from .ignore_errors import Failure, ignoring
from .transforms import MapDataset, _Unary

__all__ = ["BatchDataset", "PaddedBatchDataset", "UnbatchDataset", "WindowDataset",
           "ListDataset", "stack", "string_blocks", "cut_blocks"]


class ListDataset(Node):
    """A dataset over a Python list of NumPy-structure elements."""

    def __init__(self, elements, spec=None):
        self._list = elements
        if spec is not None:
            self.__dict__["_spec"] = spec

    def _card(self):
        return len(self._list)

    def _elements(self):
        return iter(self._list)


def _check_size(batch_size):
    batch_size = int(batch_size)
    if batch_size <= 0:
        raise errors.invalid_argument(f"Batch size must be greater than zero, got {batch_size}.")
    return batch_size


def _batched_card(n, size, drop):
    if n < 0:
        return n
    return n // size if drop else -(-n // size)


def _batched_spec(spec, size, drop):
    return structure._map(
        lambda s: structure.TensorSpec([size if drop else None] + (
            s.shape.as_list() if s.shape.rank is not None else []), s.dtype)
        if s.shape.rank is not None else s, spec)


class BatchDataset(_Unary):
    """Consecutive elements stacked along a new first dimension."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, batch_size, drop_remainder):
        super().__init__(input_dataset)
        self._size = _check_size(batch_size)
        self._drop = bool(drop_remainder)

    def _card(self):
        return _batched_card(self._input._card(), self._size, self._drop)

    def _compute_spec(self):
        return _batched_spec(self._input.element_spec, self._size, self._drop)

    def _fused(self):
        """True when the input is a `map` to run on whole blocks (map-and-batch fusion)."""
        return (type(self._input) is MapDataset and self._input._vectorize()
                and not ignoring(self))

    def _elements(self):
        if self._fused():
            yield from self._input._batched(self._size, self._drop, stack)
            return
        plan = self._input._index_plan()
        if plan is not None:
            source, chunks = plan
            for idx in _index_blocks(chunks, self._size, self._drop):
                yield source._gather(idx)
            return
        rows = self._input._fused_rows() if type(self._input) is UnbatchDataset else None
        if rows is not None:  # map(fn).rebatch(n)
            yield from cut_rows(rows, self._size, self._drop)
            return
        blocks = None if ignoring(self) else string_blocks(self._input)
        if blocks is not None:
            yield from cut_blocks(blocks, self._size, self._drop)
            return
        yield from _per_element(self._input._elements(), self._size, self._drop, stack)


def _per_element(elements, size, drop, stack_fn):
    """Batches of `size` elements; a Failure (under ignore_errors) drops the batch being
    filled and is passed on, as TF's batch discards its partial batch on an input error."""
    batch = []
    for elem in elements:
        if type(elem) is Failure:
            batch = []
            yield elem
            continue
        batch.append(elem)
        if len(batch) == size:
            yield stack_fn(batch)
            batch = []
    if batch and not drop:
        yield stack_fn(batch)


def pad_stack(elements, padded_shapes=None, padding_values=None):
    """Pads each component to a common shape (max over the batch, or `padded_shapes`)."""
    template = elements[0]
    flats = [structure.flat(e) for e in elements]
    n = len(flats[0])
    shapes = [None] * n if padded_shapes is None else structure.flat(
        structure._map(lambda s: s, padded_shapes)) if structure.is_structure(
        padded_shapes) else [padded_shapes]
    values = [None] * n if padding_values is None else (
        structure.flat(padding_values) if structure.is_structure(padding_values)
        else [padding_values] * n)
    out = []
    for c in range(n):
        parts = [f[c] for f in flats]
        rank = parts[0].ndim
        want = TensorShape(shapes[c]).as_list() if shapes[c] is not None and TensorShape(
            shapes[c]).rank is not None else [None] * rank
        if len(want) != rank:
            raise ValueError(f"The padded shape {want} is not compatible with the shape "
                             f"{list(parts[0].shape)} of component {c}.")
        target = [max(p.shape[d] for p in parts) if w is None or w == -1 else int(w)
                  for d, w in enumerate(want)]
        pad = _pad_value(values[c], parts[0].dtype)
        arr = np.full([len(parts)] + target, pad, dtype=parts[0].dtype)
        for k, p in enumerate(parts):
            if any(s > t for s, t in zip(p.shape, target)):
                raise errors.invalid_argument(
                    f"Attempted to pad to a smaller size than the input element: element shape "
                    f"{list(p.shape)}, padded shape {target}.")
            arr[(k,) + tuple(slice(0, s) for s in p.shape)] = p
        out.append(arr)
    return structure.pack(template, out)


class PaddedBatchDataset(BatchDataset):
    """Batches of elements padded to a common shape."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values, drop):
        super().__init__(input_dataset, batch_size, drop)
        self._shapes, self._values = padded_shapes, padding_values

    def _compute_spec(self):
        spec = self._input.element_spec
        if self._shapes is not None:
            flat = structure.flat(spec)
            shp = structure.flat(self._shapes) if structure.is_structure(self._shapes) \
                else [self._shapes]
            spec = structure.pack(spec, [structure.TensorSpec(
                [None if d in (None, -1) else d for d in TensorShape(sh).as_list()], s.dtype)
                for s, sh in zip(flat, shp)])
        else:
            spec = structure._map(lambda s: structure.TensorSpec(
                [None] * (s.shape.rank or 0), s.dtype), spec)
        return _batched_spec(spec, self._size, self._drop)

    def _stack(self, elements):
        return pad_stack(elements, self._shapes, self._values)

    def _elements(self):
        if self._fused():  # map(fn).padded_batch: fn on whole blocks, then padding
            for batch in self._input._batched(self._size, self._drop, self._stack):
                yield pad_dense(batch, self._shapes, self._values)
            return
        yield from _per_element(self._input._elements(), self._size, self._drop, self._stack)


class UnbatchDataset(_Unary):
    """Splits each element along its first dimension."""

    def _card(self):
        return INFINITE if self._input._card() == INFINITE else UNKNOWN

    def _compute_spec(self):
        return structure._map(lambda s: structure.TensorSpec(s.shape[1:], s.dtype),
                              self._input.element_spec)

    def _elements(self):
        for elem in self._input._elements():
            leaves = structure.flat(elem)
            for i in range(unbatch_rows(leaves)):
                yield structure.pack(elem, [np.asarray(a[i]) for a in leaves])

    def _fused_rows(self):
        """Blocks of rows (a structure of arrays) when the input is a vectorizable `map`:
        `map(fn).rebatch(n)` runs fn on `_GROUP` elements per compiled call; else None."""
        map_ds = self._input
        if type(map_ds) is not MapDataset or not map_ds._vectorize() or ignoring(self):
            return None
        return mapped_rows(map_ds)


class WindowDataset(_Unary):
    """Windows of `size` elements, `shift` apart, every `stride`-th element, as datasets."""

    def __init__(self, input_dataset, size, shift, stride, drop, as_dataset):
        super().__init__(input_dataset)
        self._as_dataset = as_dataset  # how a window reaches users: dataset.py's Dataset
        self._size = _check_size(size)
        self._shift = self._size if shift is None else int(shift)
        self._stride = int(stride)
        if self._shift <= 0 or self._stride <= 0:
            raise errors.invalid_argument("`shift` and `stride` must be positive.")
        self._drop = bool(drop)

    def _card(self):
        n = self._input._card()
        if n < 0:
            return n
        if self._drop:
            span = (self._size - 1) * self._stride + 1
            return 0 if n < span else (n - span) // self._shift + 1
        return -(-n // self._shift)

    def _compute_spec(self):
        return structure._map(lambda s: _DatasetSpec(s), self._input.element_spec)

    def _window(self, elems):
        spec = self._input.element_spec
        flats = [structure.flat(e) for e in elems]
        sflat = structure.flat(spec)
        parts = [self._as_dataset(ListDataset([f[c] for f in flats], sflat[c]))
                 for c in range(len(sflat))]
        return structure.pack(spec, parts)

    def _elements(self):
        buf = []
        span = (self._size - 1) * self._stride + 1
        it = self._input._elements()
        done = False
        while True:
            while not done and len(buf) < span:
                elem = next(it, None)
                if elem is None:
                    done = True
                else:
                    buf.append(elem)
            if not buf or (self._drop and len(buf) < span):
                return
            yield self._window(buf[::self._stride][:self._size])
            skip = self._shift
            if skip >= len(buf):
                for _ in range(skip - len(buf)):
                    if next(it, None) is None:
                        done = True
                        break
                buf = []
                if done:
                    return
            else:
                buf = buf[skip:]


class _DatasetSpec:
    """Spec of a nested dataset component (as `tf.data.DatasetSpec`)."""

    def __init__(self, element_spec):
        self.element_spec = element_spec

    def __eq__(self, other):
        return isinstance(other, _DatasetSpec) and other.element_spec == self.element_spec

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape([]))"


class BucketDataset(_Unary):
    """Groups elements by length into buckets and emits padded batches per bucket."""

    def __init__(self, input_dataset, length_fn, boundaries, batch_sizes, padded_shapes,
                 padding_values, pad_to_boundary, no_padding, drop):
        super().__init__(input_dataset)
        if len(batch_sizes) != len(boundaries) + 1:
            raise ValueError(f"len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1 "
                             f"but len(bucket_batch_sizes)={len(batch_sizes)} and "
                             f"len(bucket_boundaries)={len(boundaries)}")
        if list(boundaries) != sorted(boundaries):
            raise ValueError("bucket_boundaries must be sorted in increasing order.")
        self._len, self._bounds = length_fn, list(boundaries)
        self._sizes = [int(b) for b in batch_sizes]
        self._shapes, self._values = padded_shapes, padding_values
        self._to_bound, self._no_pad, self._drop = pad_to_boundary, no_padding, drop

    def _card(self):
        return INFINITE if self._input._card() == INFINITE else UNKNOWN

    def _compute_spec(self):
        return structure._map(lambda s: structure.TensorSpec(
            [None] * ((s.shape.rank or 0) + 1), s.dtype), self._input.element_spec)

    def _emit(self, b, elems):
        if self._no_pad:
            return stack(elems)
        shapes = self._shapes
        if self._to_bound and b < len(self._bounds):
            top = self._bounds[b] - 1
            shapes = structure._map(lambda s: [top if d is None else d for d in s.shape.as_list()],
                                    self._input.element_spec) if shapes is None else shapes
        return pad_stack(elems, shapes, self._values)

    def _elements(self):
        buckets = [[] for _ in self._sizes]
        for elem in self._input._elements():
            n = int(structure.to_numpy_leaf(structure.call(self._len, elem)))
            b = int(np.searchsorted(self._bounds, n, side="right"))
            buckets[b].append(elem)
            if len(buckets[b]) == self._sizes[b]:
                yield self._emit(b, buckets[b])
                buckets[b] = []
        if not self._drop:
            for b, elems in enumerate(buckets):
                if elems:
                    yield self._emit(b, elems)












