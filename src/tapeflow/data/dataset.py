"""`tf.data.Dataset`: the base class, iteration, element_spec and cardinality.

A dataset yields elements: nested tuples/dicts of tensors. Subclasses
implement `_elements()` (a generator of NumPy structures, see structure.py)
and `_card()`; in-memory datasets also implement `_index_plan()` so that
shuffle/batch work on whole index blocks instead of per element.

>>> ds = Dataset.range(3)
>>> [int(v) for v in ds]
[0, 1, 2]
"""
import numpy as np

from ..framework import dtypes, errors
from . import structure
from .options import set_active_options

__all__ = ["Dataset", "Iterator", "INFINITE", "UNKNOWN"]

INFINITE = -1
UNKNOWN = -2
_END = object()


class Dataset:
    """A sequence of elements with transformations, as `tf.data.Dataset`."""

    _options = None

    # -- to implement ------------------------------------------------------------
    def _elements(self):
        """Generator of elements as NumPy structures."""
        plan = self._index_plan()
        if plan is None:
            raise TypeError(f"{type(self).__name__} has no elements")
        source, chunks = plan
        for chunk in chunks:
            for i in chunk:
                yield source._element(i)

    def _card(self):
        return UNKNOWN

    def _index_plan(self):
        """(source, iterator of int index arrays) for in-memory datasets, else None."""
        return None

    def _inputs(self):
        return []

    def _compute_spec(self):
        """Default: the spec of the first element (datasets that know better override)."""
        for elem in self._elements():
            return structure.spec_of(elem)
        raise ValueError(f"Cannot infer the element_spec of an empty {type(self).__name__}")

    # -- public --------------------------------------------------------------------
    @property
    def element_spec(self):
        """The structure of TensorSpecs describing one element."""
        spec = self.__dict__.get("_spec")
        if spec is None:
            spec = self._compute_spec()
            self.__dict__["_spec"] = spec
        return spec

    def __iter__(self):
        return Iterator(self)

    def as_numpy_iterator(self):
        """Iterates elements as NumPy values (bytes for strings, scalars as NumPy scalars).

        >>> [int(v) for v in Dataset.from_tensor_slices([1, 2]).as_numpy_iterator()]
        [1, 2]
        """
        def leaf(a):
            if a.ndim == 0:
                return a.item() if a.dtype == object else a[()]
            return a
        options, it = self.options(), self._elements()
        while True:
            prev = set_active_options(options)
            try:
                elem = next(it, _END)
            finally:
                set_active_options(prev)
            if elem is _END:
                return
            yield structure._map(leaf, elem)

    def cardinality(self):
        """Number of elements as an int64 tensor; -1 infinite, -2 unknown."""
        return structure._tensor(np.asarray(self._card(), dtype=np.int64))

    def __len__(self):
        n = self._card()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<_{type(self).__name__} element_spec={self.element_spec}>"

    def options(self):
        """The `tf.data.Options` in effect (merged from this dataset's inputs)."""
        from .options import Options
        opts = Options()
        for d in self._inputs():
            opts = opts.merge(d.options())
        if self._options is not None:
            opts = opts.merge(self._options)
        return opts

    def with_options(self, options, name=None):
        """A dataset identical to this one with `options` set."""
        from .transforms import _Identity
        ds = _Identity(self)
        ds._options = options
        return ds

    def get_single_element(self, name=None):
        """The only element of the dataset; InvalidArgumentError otherwise."""
        it = self._elements()
        try:
            first = next(it)
        except StopIteration:
            raise errors.invalid_argument("Dataset was empty.") from None
        for _ in it:
            raise errors.invalid_argument("Dataset had more than one element.")
        return structure.to_tensors(first)

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements: `Dataset.range(5).reduce(0, lambda s, x: s + x)` -> 10."""
        state = structure.normalize(initial_state)
        for elem in self._elements():
            args = structure.to_tensors(state), structure.to_tensors(elem)
            state = structure.from_output(reduce_func(*args))
        return structure.to_tensors(state)

    def apply(self, transformation_func):
        """`transformation_func(self)`, for chaining custom transformations."""
        return transformation_func(self)

    # -- sources (static constructors). Each implementation module subclasses Dataset,
    # so it is imported when its method is first called (as TF's dataset_ops does) --
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """Slices `tensors` along the first dimension (tuples/dicts give structured elements).

        >>> [int(x) for x in Dataset.from_tensor_slices([1, 2, 3])]
        [1, 2, 3]
        """
        from .sources import TensorSliceDataset, structure
        return TensorSliceDataset(structure.normalize(tensors))

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset with `tensors` as its single element.

        >>> [x.shape.as_list() for x in Dataset.from_tensors([1, 2, 3])]
        [[3]]
        """
        from .sources import TensorDataset, structure
        return TensorDataset(structure.normalize(tensors))

    @staticmethod
    def range(*args, **kwargs):
        """`Dataset.range(stop)`, `range(start, stop[, step])`, int64 unless `output_type` given.

        >>> [int(v) for v in Dataset.range(2, 5).as_numpy_iterator()]
        [2, 3, 4]
        """
        from .sources import _range
        return _range(*args, **kwargs)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Elements from a generator function, with `output_signature` (or types/shapes).

        >>> def gen():
        ...     yield 1
        ...     yield 2
        >>> ds = Dataset.from_generator(gen, output_signature=structure.TensorSpec([], "int32"))
        >>> [int(v) for v in ds]
        [1, 2]
        """
        from .sources import _from_generator
        return _from_generator(generator, output_types, output_shapes, args, output_signature, name)

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Zips datasets: `Dataset.zip((a, b))` or `Dataset.zip(a, b)`; nested structures kept."""
        from .sources import ZipDataset
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        return ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """File names matching glob pattern(s), shuffled unless `shuffle=False`."""
        from .sources import _list_files
        return _list_files(file_pattern, shuffle, seed, name)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Interleaves `datasets` at random, picking each with probability `weights[i]`."""
        from .sampling import SampleDataset
        return SampleDataset(datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Takes element i from `datasets[choice_dataset[i]]`."""
        from .sampling import ChooseDataset
        return ChooseDataset(datasets, choice_dataset, stop_on_empty_dataset)

    # -- transformations -------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):  # noqa: A001
        """Applies `map_func` to each element; output order is kept even when parallel.

        >>> [int(v) for v in Dataset.from_tensor_slices([1, 2]).map(lambda x: x + 1)]
        [2, 3]
        """
        from .transforms import MapDataset
        return MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate, name=None):  # noqa: A001
        """Keeps the elements where `predicate(element)` is True."""
        from .transforms import FilterDataset
        return FilterDataset(self, predicate)

    def take(self, count, name=None):
        """The first `count` elements (-1: all)."""
        from .transforms import TakeDataset
        return TakeDataset(self, count)

    def skip(self, count, name=None):
        """Drops the first `count` elements (-1: all)."""
        from .transforms import SkipDataset
        return SkipDataset(self, count)

    def repeat(self, count=None, name=None):
        """Repeats the dataset `count` times; forever when `count` is None or -1."""
        from .transforms import RepeatDataset
        return RepeatDataset(self, count)

    def shard(self, num_shards, index, name=None):
        """The elements whose position is `index` modulo `num_shards`."""
        from .transforms import ShardDataset
        return ShardDataset(self, num_shards, index)

    def enumerate(self, start=0, name=None):  # noqa: A001
        """Pairs each element with its int64 position, counting from `start`."""
        from .streams import ZipDataset, _Counter
        return ZipDataset((_Counter(int(start)), self))

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and flattens the result."""
        from .streams import FlatMapDataset
        return FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Interleaves the datasets `map_func` returns, `block_length` elements at a time.

        >>> ds = Dataset.range(1, 3).interleave(
        ...     lambda x: Dataset.from_tensors(x).repeat(2), cycle_length=2)
        >>> [int(v) for v in ds]
        [1, 2, 1, 2]
        """
        from .streams import InterleaveDataset
        return InterleaveDataset(self, map_func, cycle_length, block_length, num_parallel_calls)

    def scan(self, initial_state, scan_func, name=None):
        """Like reduce, but yields every intermediate output.

        >>> [int(v) for v in Dataset.range(4).scan(np.int64(0), lambda s, x: (s + x, s + x))]
        [0, 1, 3, 6]
        """
        from .streams import ScanDataset
        return ScanDataset(self, initial_state, scan_func)

    def take_while(self, predicate, name=None):
        """Stops at the first element where `predicate` is False."""
        from .streams import TakeWhileDataset
        return TakeWhileDataset(self, predicate)

    def unique(self, name=None):
        """Drops repeated elements (scalar ints or strings)."""
        from .streams import UniqueDataset
        return UniqueDataset(self)

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                        name=None):
        """Groups elements by the int64 `key_func(element)`; each window of `window_size`
        elements (a dataset) becomes `reduce_func(key, window)`'s elements.

        >>> ds = Dataset.range(6).group_by_window(
        ...     lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
        >>> [b.tolist() for b in ds.as_numpy_iterator()]
        [[0, 2, 4], [1, 3, 5]]
        """
        from .streams import GroupByWindowDataset
        return GroupByWindowDataset(self, key_func, reduce_func, window_size, window_size_func)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None,
              name=None):
        """Stacks `batch_size` consecutive elements; the last batch may be smaller."""
        from .batching import BatchDataset
        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False,
                     name=None):
        """Batches elements of different shapes, padding each to a common shape.

        >>> ds = Dataset.from_generator(lambda: iter([[1], [2, 3]]),
        ...     output_signature=structure.TensorSpec([None], "int32"))
        >>> [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
        [[[1, 0], [2, 3]]]
        """
        from .batching import PaddedBatchDataset
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name=None):
        """Splits elements into their rows (the inverse of batch)."""
        from .batching import UnbatchDataset
        return UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Re-batches already batched elements to `batch_size` rows each."""
        from .batching import BatchDataset, UnbatchDataset
        return BatchDataset(UnbatchDataset(self), batch_size, drop_remainder)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of elements, each a (structure of) dataset(s); see `flat_map` to batch them.

        >>> ds = Dataset.range(5).window(2, shift=2)
        >>> [[int(v) for v in w] for w in ds]
        [[0, 1], [2, 3], [4]]
        """
        from .batching import WindowDataset
        return WindowDataset(self, size, shift, stride, drop_remainder)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary=False, no_padding=False,
                                  drop_remainder=False, name=None):
        """Batches elements of similar length together (buckets split at `bucket_boundaries`)."""
        from .batching import BucketDataset
        return BucketDataset(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                             padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                             drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Shuffles with a buffer of `buffer_size` elements, as TF.

        >>> ds = Dataset.range(5).shuffle(5, seed=1)
        >>> sorted(int(v) for v in ds.as_numpy_iterator())
        [0, 1, 2, 3, 4]
        """
        from .shuffle import ShuffleDataset
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return ShuffleDataset(self, buffer_size, seed, reshuffle)

    def prefetch(self, buffer_size, name=None):
        """Prepares up to `buffer_size` elements on a background thread (AUTOTUNE: 2)."""
        from .prefetch import PrefetchDataset
        return PrefetchDataset(self, buffer_size)

    def cache(self, filename="", name=None):
        """Caches the elements after the first full iteration, in memory or in `filename`."""
        from .prefetch import CacheDataset
        return CacheDataset(self, filename)

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64,
                     name=None):
        """Batches elements of different shapes into RaggedTensors."""
        from .ragged_batching import RaggedBatchDataset
        return RaggedBatchDataset(self, batch_size, drop_remainder, row_splits_dtype)

    def sparse_batch(self, batch_size, row_shape, name=None):
        """Batches elements of different shapes into SparseTensors of shape
        [batch, *row_shape] (all entries kept; -1 in `row_shape`: the batch's largest)."""
        from .resampling import SparseBatchDataset
        return SparseBatchDataset(self, batch_size, row_shape)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name=None):
        """(class, element) pairs resampled so that classes follow `target_dist`.

        >>> import tapeflow as tf
        >>> ds = Dataset.range(8).rejection_resample(lambda x: tf.cast(x % 2, tf.int32),
        ...     [1.0, 0.0], initial_dist=[0.5, 0.5], seed=1)
        >>> [int(x) for _, x in ds]
        [0, 2, 4, 6]
        """
        from .resampling import RejectionResampleDataset
        return RejectionResampleDataset(self, class_func, target_dist, initial_dist, seed)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        """Writes the elements under directory `path` (read back with `Dataset.load`).

        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "ds")
        >>> Dataset.range(2).save(p)
        >>> [int(v) for v in Dataset.load(p)]
        [0, 1]
        """
        from .saving import save
        save(self, path, compression, shard_func)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None):
        """The dataset `Dataset.save` wrote under `path`."""
        from .saving import LoadDataset
        return LoadDataset(path, element_spec, compression)

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None, name=None):
        """Writes the elements under `path` on the first full pass; later passes (and
        other pipelines with the same `path`) read them back instead of recomputing."""
        from .saving import SnapshotDataset
        return SnapshotDataset(self, path, compression, shard_func)

    def concatenate(self, dataset, name=None):
        """Elements of this dataset followed by those of `dataset`.

        >>> [int(v) for v in Dataset.range(2).concatenate(Dataset.range(5, 6))]
        [0, 1, 5]
        """
        from .sources import ConcatenateDataset
        return ConcatenateDataset(self, dataset)


def _rng_datasets(dataset):
    """The datasets of a pipeline that draw random epochs (`shuffle`), inputs first."""
    out, seen, stack = [], set(), [dataset]
    while stack:
        d = stack.pop()
        if id(d) in seen:
            continue
        seen.add(id(d))
        if hasattr(d, "_rng_state"):
            out.append(d)
        stack.extend(d._inputs())
    return out[::-1]


class Iterator:
    """Iterator over a dataset (`iter(dataset)`), yielding tensor structures."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._shuffles = _rng_datasets(dataset)
        self._rng_start = [d._rng_state() for d in self._shuffles]  # before any epoch draw
        self._it = dataset._elements()
        self._options = dataset.options()  # apply to every transformation while producing
        self._position = 0  # elements produced, saved by tf.train.Checkpoint

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        prev = set_active_options(self._options)
        try:
            elem = next(self._it)
        finally:
            set_active_options(prev)
        self._position += 1
        return structure.to_tensors(elem)

    def _serialize_to_tensors(self):
        """Checkpoint state (the checkpoint protocol): how many elements were produced, and
        each `shuffle`'s seed and epoch as this iterator started, `[n, seed x n, epoch]`."""
        flat = [x for st in self._rng_start for x in [len(st) - 1] + st]
        return {"ITERATOR_POSITION": np.asarray(self._position, dtype=np.int64),
                "SHUFFLE_STATE": np.asarray(flat, dtype=np.int64)}

    def _restore_from_tensors(self, restored_tensors):
        """Restarts the pipeline from the saved shuffle seeds/epochs and skips to the saved
        position, so the iterator yields the elements the saved one had left."""
        position = int(restored_tensors["ITERATOR_POSITION"])
        flat = [int(x) for x in np.asarray(restored_tensors["SHUFFLE_STATE"]).reshape(-1)]
        states, i = [], 0
        while i < len(flat):
            n = flat[i]
            states.append(flat[i + 1:i + n + 2])
            i += n + 2
        if len(states) != len(self._shuffles):
            raise ValueError(f"The checkpointed iterator had {len(states)} shuffle "
                             f"transformations, this pipeline has {len(self._shuffles)}.")
        current = [d._rng_state() for d in self._shuffles]
        for d, st in zip(self._shuffles, states):
            d._set_rng_state(st)
        self._rng_start = states
        it = self._dataset._elements()
        for _ in range(position):
            next(it)
        for d, cur in zip(self._shuffles, current):  # never hand out an epoch twice
            d._set_rng_state(d._rng_state()[:-1] + [max(cur[-1], d._rng_state()[-1])])
        self._it, self._position = it, position

    def get_next(self):
        """Next element; raises `tf.errors.OutOfRangeError` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        """Next element, or None at the end (a simplified `tf.experimental.Optional`)."""
        try:
            return next(self)
        except StopIteration:
            return None

    def __del__(self):
        close = getattr(getattr(self, "_it", None), "close", None)
        if close is not None:
            close()
