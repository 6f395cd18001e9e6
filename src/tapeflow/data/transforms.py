"""Element-wise and stream transformations: map, filter, take, skip, repeat,
enumerate, flat_map, interleave, scan, take_while, unique, shard.

User functions receive tapeflow Tensors (tuple elements are unpacked into
arguments); exceptions they raise propagate unchanged, with their traceback.

>>> ds = tf.data.Dataset.range(6)
>>> [int(v) for v in ds.filter(lambda x: x % 2 == 0).map(lambda x: x * 10)]
[0, 20, 40]
"""
import collections
import concurrent.futures
import functools
import itertools
import os

import numpy as np

from ..framework.dynamic_shape import DynamicShapeError
from . import structure
from .blocks import _index_blocks, _stacked
from .blocks import stack as stack_rows
from .ignore_errors import Failure, ignoring, marked
from .options import SHARD_HINT, active_options, debug_mode
from .parse_map import parsed_batches
from .pipeline import INFINITE, UNKNOWN, Node
from .vectorize import BatchedMap, _plain, traced_spec
from ..framework import errors

__all__ = ["MapDataset", "FilterDataset", "TakeDataset", "SkipDataset", "RepeatDataset"]

AUTOTUNE = -1


class _Unary(Node):
    """A dataset transforming one input; spec and cardinality default to the input's."""

    def __init__(self, input_dataset):
        self._input = input_dataset

    def _inputs(self):
        return [self._input]

    def _card(self):
        return self._input._card()

    def _compute_spec(self):
        return self._input.element_spec


class _Identity(_Unary):
    _passes_failures = True  # under ignore_errors (ignore_errors.py)
    def _index_plan(self):
        return self._input._index_plan()

    def _elements(self):
        return self._input._elements()


def _threads(n):
    return os.cpu_count() or 2 if n in (None, AUTOTUNE) else int(n)


class MapDataset(_Unary):
    """`fn` applied to every element (optionally on a thread pool, order kept unless
    `deterministic=False`); before `batch` it runs on whole batches (vectorize.py)."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, fn, num_parallel_calls=None, deterministic=None):
        super().__init__(input_dataset)
        self._fn = fn
        self._parallel = num_parallel_calls
        self._deterministic = deterministic

    def _compute_spec(self):
        if not _debug():
            spec = traced_spec(self._fn, self._input.element_spec)
            if spec is not None:
                return spec
        return Node._compute_spec(self)

    def _apply(self, elem):
        fn = self._fn
        try:
            return structure.from_output(structure.call(fn, elem))
        except DynamicShapeError:
            # a shape drawn per call (RandomHeight in a tf.function): TF's graph holds it,
            # an XLA program cannot, so the function's Python runs eagerly from now on
            eager = getattr(fn, "python_function", None)
            if eager is None:
                raise
            self._fn = eager
            return structure.from_output(structure.call(eager, elem))

    def _in_order(self):
        if self._deterministic is not None:
            return bool(self._deterministic)
        return self._pipeline_options().deterministic is not False

    def _elements(self):  # a generator: options are read when iteration starts
        yield from self._map_stream(self._input._elements())

    def _map_stream(self, elements):
        apply = self._apply
        if ignoring(self):  # under ignore_errors: a failing element becomes a Failure marker
            apply = functools.partial(marked, self._apply)
        if self._parallel is None or self._parallel == 1 or _debug():
            return map(apply, elements)
        return _pool_map(apply, elements, self._pool_size(), self._in_order())

    def _pipeline_options(self):
        """This dataset's Options merged with those of the pipeline being iterated (TF
        applies `with_options` anywhere in a pipeline to all of it)."""
        opts, outer = self.options(), active_options()
        return opts if outer is None else opts.merge(outer)

    def _pool_size(self):
        """Threads for num_parallel_calls (AUTOTUNE: Options().threading's
        private_threadpool_size when set, else the CPU count)."""
        if self._parallel in (None, AUTOTUNE):
            private = self._pipeline_options().threading.private_threadpool_size
            if private:
                return int(private)
        return _threads(self._parallel)

    def _vectorize(self):
        opt = self._pipeline_options().experimental_optimization
        return not _debug() and opt.map_and_batch_fusion is not False and (
            opt.apply_default_optimizations is not False or opt.map_and_batch_fusion)

    def _batched(self, size, drop, stack):
        """The batches of `size` mapped elements (what `map(fn).batch(size)` yields):
        one compiled call per `_ROWS` rows while `fn` vectorizes, element calls otherwise."""
        parsed = parsed_batches(self, size, drop, stack)  # map(parse_fn) over serialized records
        if parsed is not None:
            return parsed
        plan = self._input._index_plan()
        if plan is not None:
            source, chunks = plan
            k = max(1, _ROWS // size)  # batches per program call (amortizes the dispatch)
            bmap = self._batched_map(size * k)
            blocks = _index_blocks(chunks, size, drop)
            first = next(blocks, None)
            if first is None or bmap(source._gather(first[:1])) is None:
                rest = () if first is None else itertools.chain([first], blocks)
                elems = (source._element(i) for idx in rest for i in idx)
                return _stacked(self._map_stream(elems), size, drop, stack)
            groups = _groups(itertools.chain([first], blocks), k)
            return self._run_blocks(bmap, ((source._gather(np.concatenate(g)), [len(i) for i in g])
                                           for g in groups))
        bmap = self._batched_map(size)
        it = self._input._elements()
        rows = list(itertools.islice(it, size))
        block = _stack_plain(rows, stack_rows)
        if block is None or bmap(structure._map(lambda a: a[:1], block)) is None:
            return _stacked(self._map_stream(itertools.chain(rows, it)), size, drop, stack)
        return self._run_blocks(bmap, ((b, [n]) for b, n in _blocks_of(rows, it, size, drop)),
                                stack)

    def _batched_map(self, rows):
        """The compiled `fn` for blocks of `rows` rows (kept across epochs)."""
        cache = self.__dict__.setdefault("_bmaps", {})
        if rows not in cache:
            cache[rows] = BatchedMap(self._fn, rows)
        return cache[rows]

    def _run_blocks(self, bmap, blocks, stack=stack_rows):
        """Mapped batches from (stacked input rows, batch lengths) pairs; a block may be a
        list of rows (inputs of differing shapes), mapped row by row."""

        def apply(item):
            block, lengths = item
            out = None if isinstance(block, list) else bmap(block)
            if out is None:  # a block the program cannot take (e.g. other shapes)
                n = sum(lengths)
                rows = block if isinstance(block, list) else [
                    structure._map(lambda a: a[i], block) for i in range(n)]
                out = stack([self._apply(r) for r in rows])
            if len(lengths) == 1:
                return [out]
            ends = np.cumsum(lengths)
            return [structure._map(lambda a: a[e - n:e], out) for n, e in zip(lengths, ends)]
        if self._parallel is None or self._parallel == 1:
            done = map(apply, blocks)
        else:
            done = _pool_map(apply, blocks, self._pool_size(), self._in_order())
        return itertools.chain.from_iterable(done)


_ROWS = 2048  # rows per compiled call of a vectorized map


def _groups(items, k):
    """Lists of `k` consecutive items (the last may be shorter)."""
    while True:
        g = list(itertools.islice(items, k))
        if not g:
            return
        yield g


def _debug():
    return debug_mode()


def _pool_map(fn, items, n, in_order):
    """`map(fn, items)` on `n` threads; results in order, or as they finish if not."""
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        window = collections.deque()
        try:
            for item in items:
                window.append(pool.submit(fn, item))
                if len(window) >= n:
                    if in_order:
                        yield window.popleft().result()
                    else:
                        done = next(concurrent.futures.as_completed(window))
                        window.remove(done)
                        yield done.result()
            while window:
                yield window.popleft().result()
        finally:
            for f in window:
                f.cancel()


def _stack_plain(rows, stack):
    """The rows stacked when they are numeric arrays of one shape, else None."""
    if not rows or not all(_plain(r) for r in rows):
        return None
    try:
        return stack(rows)
    except Exception:  # noqa: BLE001 - rows of different shapes: not one block
        return None


def _blocks_of(rows, it, size, drop):
    """(block, row count) pairs of `size` input elements (`rows` first, then `it`): the rows
    stacked, or left a list when they cannot stack (other shapes, strings)."""
    while rows:
        if drop and len(rows) < size:
            return
        block = _stack_plain(rows, stack_rows)
        yield (rows if block is None else block), len(rows)
        if len(rows) < size:
            return
        rows = list(itertools.islice(it, size))


class FilterDataset(_Unary):
    """Elements for which `predicate` returns True (a scalar bool tensor)."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._pred = predicate

    def _card(self):
        return INFINITE if self._input._card() == INFINITE else UNKNOWN

    def _elements(self):
        tolerant = ignoring(self)
        for elem in self._input._elements():
            if tolerant:  # under ignore_errors: failures pass up, predicate errors too
                if type(elem) is not Failure:
                    elem = marked(lambda e: self._keep(e) and e, elem)
                if type(elem) is Failure:
                    yield elem
                elif elem is not False:
                    yield elem
                continue
            if self._keep(elem):
                yield elem

    def _keep(self, elem):
        keep = structure.to_numpy_leaf(structure.call(self._pred, elem))
        if keep.dtype != np.bool_ or keep.ndim != 0:
            raise ValueError("Invalid `predicate`. `predicate` must return a scalar boolean "
                             f"tensor, but its return type was {keep.dtype} of shape "
                             f"{keep.shape}.")
        return bool(keep)


def _slice_chunks(chunks, start, stop):
    """Index chunks restricted to stream positions [start, stop) (stop None: no end)."""
    pos = 0
    for c in chunks:
        n = len(c)
        lo, hi = max(start - pos, 0), n if stop is None else min(stop - pos, n)
        if lo < hi:
            yield c[lo:hi]
        pos += n
        if stop is not None and pos >= stop:
            return


class TakeDataset(_Unary):
    """The first `count` elements (all of them when count is -1)."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _card(self):
        n, c = self._input._card(), self._count
        if c < 0:
            return n
        if n == INFINITE:
            return c
        return UNKNOWN if n == UNKNOWN else min(n, c)

    def _index_plan(self):
        plan = self._input._index_plan()
        if plan is None or self._count < 0:
            return plan
        return plan[0], _slice_chunks(plan[1], 0, self._count)

    def _elements(self):
        it = self._input._elements()
        if self._count >= 0 and ignoring(self):
            return _successes(it, 0, self._count)
        return it if self._count < 0 else itertools.islice(it, self._count)


class SkipDataset(_Unary):
    """All but the first `count` elements (count -1 skips everything)."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _card(self):
        n, c = self._input._card(), self._count
        if n < 0:
            return n if c >= 0 else (n if n == UNKNOWN else UNKNOWN)
        return 0 if c < 0 else max(n - c, 0)

    def _index_plan(self):
        plan = self._input._index_plan()
        if plan is None:
            return None
        if self._count < 0:
            return plan[0], iter(())
        return plan[0], _slice_chunks(plan[1], self._count, None)

    def _elements(self):
        it = self._input._elements()
        if self._count < 0:
            for _ in it:
                pass
            return iter(())
        if ignoring(self):
            return _successes(it, self._count, None)
        return itertools.islice(it, self._count, None)


def _successes(it, skip, take):
    """`it` after `skip` elements, `take` of them (None: all), counting only elements
    that did not fail; Failure markers (under ignore_errors) pass through uncounted."""
    if take == 0:
        return
    n = 0
    for elem in it:
        if type(elem) is Failure:
            yield elem
            continue
        n += 1
        if n > skip:
            yield elem
            if take is not None and n >= skip + take:
                return


class RepeatDataset(_Unary):
    """The input repeated `count` times (forever when count is None or -1)."""

    _passes_failures = True  # under ignore_errors (ignore_errors.py)

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = -1 if count is None else int(count)

    def _card(self):
        n, c = self._input._card(), self._count
        if c == 0 or n == 0:
            return 0
        if c < 0:
            return INFINITE if n != UNKNOWN else UNKNOWN
        return n if n < 0 else n * c

    def _epochs(self):
        return itertools.count() if self._count < 0 else range(self._count)

    def _index_plan(self):
        first = self._input._index_plan()
        if first is None:
            return None

        def chunks():
            plan = first
            for k in self._epochs():
                if k:
                    plan = self._input._index_plan()
                got = False
                for c in plan[1]:
                    got = got or len(c) > 0
                    yield c
                if not got:
                    return
        return first[0], chunks()

    def _elements(self):
        for _ in self._epochs():
            empty = True
            for elem in self._input._elements():
                empty = False
                yield elem
            if empty:
                return


class ShardDataset(_Unary):
    """Every `num_shards`-th element starting at `index`.

    `num_shards=SHARD_HINT` is a placeholder: a distribution strategy with
    AutoShardPolicy.HINT replaces it by (number of workers, worker index);
    iterating it unreplaced is a FailedPreconditionError, as in TF.
    """

    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        num_shards, index = int(num_shards), int(index)
        hint = num_shards == SHARD_HINT
        if num_shards <= 0 and not hint:
            raise _invalid(f"Number of shards must be > 0; got {num_shards}.")
        if not hint and not 0 <= index < num_shards:
            raise _invalid(f"Index must be in [0, num_shards); got index={index}, "
                           f"num_shards={num_shards}.")
        self._n, self._i = num_shards, index

    def _card(self):
        n = self._input._card()
        if self._n == SHARD_HINT:
            return UNKNOWN
        return n if n < 0 else n // self._n + (1 if n % self._n > self._i else 0)

    def _index_plan(self):
        plan = None if self._n == SHARD_HINT else self._input._index_plan()
        if plan is None:
            return None

        def chunks():
            pos = 0
            for c in plan[1]:
                first = (self._i - pos) % self._n
                yield c[first::self._n]
                pos += len(c)
        return plan[0], chunks()

    def _elements(self):
        if self._n == SHARD_HINT:
            raise errors.FailedPreconditionError(
                None, None, "`tf.data.Dataset.shard(SHARD_HINT, ...)` is a placeholder: it can "
                "only be used in `tf.distribute.Strategy.experimental_distribute_dataset()` with "
                "the `tf.data.experimental.AutoShardPolicy.HINT` policy, which replaces it by "
                "(number of workers, worker index)")
        return itertools.islice(self._input._elements(), self._i, None, self._n)


def _invalid(msg):
    return errors.invalid_argument(msg)












