"""Stream transformations with state or nesting: enumerate, flat_map, interleave,
scan, take_while, unique, group_by_window.

>>> [tuple(map(int, e)) for e in tf.data.Dataset.from_tensor_slices([7, 8]).enumerate()]
[(0, 7), (1, 8)]
"""
import collections

import numpy as np  # noqa: F401 - used by the doctests

from . import structure
from .batching import ListDataset
from .pipeline import INFINITE, UNKNOWN, Node
from .prefetch import PrefetchDataset
from .sources import RangeDataset, ZipDataset
from .transforms import _threads, _Unary

__all__ = ["FlatMapDataset", "InterleaveDataset", "ScanDataset", "TakeWhileDataset",
           "UniqueDataset", "GroupByWindowDataset"]


def _as_dataset(ds, what):
    if not isinstance(ds, Node):
        raise TypeError(f"The `map_func` argument of `{what}` must return a `Dataset` object; "
                        f"got {type(ds).__name__}.")
    return ds


class FlatMapDataset(_Unary):
    """`fn(element)` returns a dataset; their elements are concatenated."""

    def __init__(self, input_dataset, fn):
        super().__init__(input_dataset)
        self._fn = fn

    def _card(self):
        return UNKNOWN

    def _compute_spec(self):
        return Node._compute_spec(self)

    def _elements(self):
        for elem in self._input._elements():
            yield from _as_dataset(structure.call(self._fn, elem), "flat_map")._elements()


class InterleaveDataset(FlatMapDataset):
    """Cycles over `cycle_length` inner datasets, `block_length` elements from each."""

    def __init__(self, input_dataset, fn, cycle_length, block_length, parallel):
        super().__init__(input_dataset, fn)
        self._cycle = cycle_length
        self._block = 1 if block_length is None else int(block_length)
        self._parallel = parallel

    def _open(self, elem):
        ds = _as_dataset(structure.call(self._fn, elem), "interleave")
        if self._parallel not in (None, 0, 1):
            # each open input fills its own buffer on a background thread; the
            # output order stays the deterministic round-robin one
            return PrefetchDataset(ds, self._block)._elements()
        return ds._elements()

    def _elements(self):
        cycle = self._cycle
        if cycle is None or cycle == -1:
            cycle = _threads(None)
        inputs = self._input._elements()
        slots = collections.deque()
        exhausted = False
        while True:
            while not exhausted and len(slots) < cycle:
                elem = next(inputs, None)
                if elem is None:
                    exhausted = True
                else:
                    slots.append(self._open(elem))
            if not slots:
                return
            it = slots.popleft()
            n = 0
            for value in it:
                yield value
                n += 1
                if n == self._block:
                    break
            if n == self._block:
                slots.append(it)
            # an exhausted iterator's slot is refilled (at the back) by the loop above


class ScanDataset(_Unary):
    """Running state: `scan_func(state, elem) -> (new_state, output)`."""

    def __init__(self, input_dataset, initial_state, fn):
        super().__init__(input_dataset)
        self._state = structure.normalize(initial_state)
        self._fn = fn

    def _compute_spec(self):
        return Node._compute_spec(self)

    def _elements(self):
        state = self._state
        for elem in self._input._elements():
            st, t = structure.to_tensors(state), structure.to_tensors(elem)
            res = self._fn(st, *t) if type(t) is tuple else self._fn(st, t)
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError("The scan function must return a pair (new_state, output_element).")
            state = structure.from_output(res[0])
            yield structure.from_output(res[1])


class TakeWhileDataset(_Unary):
    """Elements up to (not including) the first one where `predicate` is False."""

    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._pred = predicate

    def _card(self):
        return UNKNOWN

    def _elements(self):
        for elem in self._input._elements():
            if not bool(structure.to_numpy_leaf(structure.call(self._pred, elem))):
                return
            yield elem


class UniqueDataset(_Unary):
    """Each distinct scalar int/string element once, in first-seen order."""

    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        spec = input_dataset.element_spec
        if structure.is_structure(spec) or spec.shape.rank != 0 or not (
                spec.dtype.is_integer or spec.dtype.name == "string"):
            raise TypeError("`Dataset.unique()` only supports datasets with 1 component of "
                            f"int32, int64 or string scalars; got {spec}.")

    def _card(self):
        return UNKNOWN

    def _elements(self):
        seen = set()
        for elem in self._input._elements():
            key = elem.item()
            if key not in seen:
                seen.add(key)
                yield elem


class GroupByWindowDataset(FlatMapDataset):
    """Elements grouped by `key_func` into windows of `window_size`, each window (a
    dataset) reduced by `reduce_func(key, window)` to a dataset whose elements are
    emitted; windows still open at the end are reduced in order of their keys' first
    appearance."""

    def __init__(self, input_dataset, key_func, reduce_func, window_size, window_size_func,
                 as_dataset):
        super().__init__(input_dataset, reduce_func)
        self._as_dataset = as_dataset  # how a window reaches `reduce_func`: dataset.py's Dataset
        self._key = key_func
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        self._size = (lambda k: window_size) if window_size is not None else window_size_func

    def _reduced(self, key, window):
        ds = _as_dataset(self._fn(structure._tensor(key), self._as_dataset(ListDataset(window))),
                         "group_by_window")
        return ds._elements()

    def _elements(self):
        groups, sizes = {}, {}
        for elem in self._input._elements():
            key = structure.to_numpy_leaf(structure.call(self._key, elem))
            if key.dtype != np.int64 or key.ndim != 0:
                raise ValueError(f"`key_func` must return a single tf.int64 scalar tensor. "
                                 f"Received: dtype={key.dtype}, shape={key.shape}")
            k = int(key)
            if k not in groups:
                groups[k] = []
                size = int(structure.to_numpy_leaf(self._size(structure._tensor(key))))
                if size <= 0:
                    raise ValueError(f"window_size must be positive. Received: {size}")
                sizes[k] = size
            groups[k].append(elem)
            if len(groups[k]) == sizes[k]:
                window = groups.pop(k)
                yield from self._reduced(key, window)
        for k, window in groups.items():
            yield from self._reduced(np.asarray(k, np.int64), window)


class _Counter(RangeDataset):
    """start, start+1, ... forever (int64)."""

    def __init__(self, start):
        super().__init__(start, 2**62, 1, "int64")

    def _card(self):
        return INFINITE













