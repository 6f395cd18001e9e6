"""`tf.data.Dataset`: the public class, iteration, element_spec and cardinality.

A dataset yields elements: nested tuples/dicts of tensors. A Dataset presents
a pipeline node (pipeline.py); its constructors and transformations build the
nodes of the modules imported below and return `Dataset(node)`. Subclasses
(TFRecordDataset, TextLineDataset, ...) implement the node protocol themselves.

>>> ds = Dataset.range(3)
>>> [int(v) for v in ds]
[0, 1, 2]
"""
import numpy as np

from ..framework import dtypes, errors
from . import structure
from .ignore_errors import IgnoreErrorsDataset
from .batching import (BatchDataset, BucketDataset, PaddedBatchDataset, UnbatchDataset,
                       WindowDataset)
from .options import set_active_options
from .pipeline import INFINITE, UNKNOWN, Node
from .prefetch import CacheDataset, PrefetchDataset
from .ragged_batching import RaggedBatchDataset
from .resampling import RejectionResampleDataset, SparseBatchDataset
from .sampling import ChooseDataset, SampleDataset
from .saving import LoadDataset, SnapshotDataset, save
from .shuffle import ShuffleDataset
from .sources import (ConcatenateDataset, TensorDataset, TensorSliceDataset, ZipDataset,
                      from_generator, list_file_names, range_node)
from .streams import (FlatMapDataset, GroupByWindowDataset, InterleaveDataset, ScanDataset,
                      TakeWhileDataset, UniqueDataset, _Counter)
from .transforms import (FilterDataset, MapDataset, RepeatDataset, ShardDataset, SkipDataset,
                         TakeDataset, _Identity)

__all__ = ["Dataset", "Iterator", "INFINITE", "UNKNOWN"]

_END = object()


class Dataset(Node):
    """A sequence of elements with transformations, as `tf.data.Dataset`.

    A Dataset presents a pipeline node (pipeline.py): the static constructors
    and the transformations build nodes over `self` and return a Dataset of
    them. Subclasses (TFRecordDataset, TextLineDataset, ...) implement the
    node protocol themselves.
    """

    _node = None  # the pipeline node presented; None: the subclass is the node itself

    def __init__(self, node):
        self._node = node

    def _pipeline(self):
        """The node a transformation of this dataset reads."""
        return self if self._node is None else self._node

    # -- the node protocol: the presented node's ----------------------------------
    def _elements(self):
        return Node._elements(self) if self._node is None else self._node._elements()

    def _card(self):
        return Node._card(self) if self._node is None else self._node._card()

    def _index_plan(self):
        return Node._index_plan(self) if self._node is None else self._node._index_plan()

    def _inputs(self):
        return Node._inputs(self) if self._node is None else [self._node]

    def _compute_spec(self):
        return Node._compute_spec(self) if self._node is None else self._node.element_spec

    def __repr__(self):
        return Node.__repr__(self) if self._node is None else repr(self._node)

    # -- public --------------------------------------------------------------------
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

    def with_options(self, options, name=None):
        """A dataset identical to this one with `options` set."""
        node = _Identity(self._pipeline())
        node._options = options
        return Dataset(node)

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

    # -- sources (static constructors) ----------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """Slices `tensors` along the first dimension (tuples/dicts give structured elements).

        >>> [int(x) for x in Dataset.from_tensor_slices([1, 2, 3])]
        [1, 2, 3]
        """
        return Dataset(TensorSliceDataset(structure.normalize(tensors)))

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset with `tensors` as its single element.

        >>> [x.shape.as_list() for x in Dataset.from_tensors([1, 2, 3])]
        [[3]]
        """
        return Dataset(TensorDataset(structure.normalize(tensors)))

    @staticmethod
    def range(*args, **kwargs):
        """`Dataset.range(stop)`, `range(start, stop[, step])`, int64 unless `output_type` given.

        >>> [int(v) for v in Dataset.range(2, 5).as_numpy_iterator()]
        [2, 3, 4]
        """
        return Dataset(range_node(*args, **kwargs))

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
        return Dataset(from_generator(generator, output_types, output_shapes, args,
                                      output_signature))

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Zips datasets: `Dataset.zip((a, b))` or `Dataset.zip(a, b)`; nested structures kept."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        return Dataset(ZipDataset(datasets))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """File names matching glob pattern(s), shuffled unless `shuffle=False`."""
        names = list_file_names(file_pattern)
        ds = Dataset.from_tensor_slices(np.array([n.encode() for n in names], dtype=object))
        if shuffle is None or shuffle:
            ds = ds.shuffle(len(names), seed=seed)
        return ds

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Interleaves `datasets` at random, picking each with probability `weights[i]`."""
        return Dataset(SampleDataset(datasets, weights, seed, stop_on_empty_dataset))

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Takes element i from `datasets[choice_dataset[i]]`."""
        return Dataset(ChooseDataset(datasets, choice_dataset, stop_on_empty_dataset))

    # -- transformations -------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):  # noqa: A001
        """Applies `map_func` to each element; output order is kept even when parallel.

        >>> [int(v) for v in Dataset.from_tensor_slices([1, 2]).map(lambda x: x + 1)]
        [2, 3]
        """
        return Dataset(MapDataset(self._pipeline(), map_func, num_parallel_calls, deterministic))

    def filter(self, predicate, name=None):  # noqa: A001
        """Keeps the elements where `predicate(element)` is True."""
        return Dataset(FilterDataset(self._pipeline(), predicate))

    def take(self, count, name=None):
        """The first `count` elements (-1: all)."""
        return Dataset(TakeDataset(self._pipeline(), count))

    def skip(self, count, name=None):
        """Drops the first `count` elements (-1: all)."""
        return Dataset(SkipDataset(self._pipeline(), count))

    def repeat(self, count=None, name=None):
        """Repeats the dataset `count` times; forever when `count` is None or -1."""
        return Dataset(RepeatDataset(self._pipeline(), count))

    def shard(self, num_shards, index, name=None):
        """The elements whose position is `index` modulo `num_shards`."""
        return Dataset(ShardDataset(self._pipeline(), num_shards, index))

    def enumerate(self, start=0, name=None):  # noqa: A001
        """Pairs each element with its int64 position, counting from `start`."""
        return Dataset(ZipDataset((_Counter(int(start)), self._pipeline())))

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and flattens the result."""
        return Dataset(FlatMapDataset(self._pipeline(), map_func))

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Interleaves the datasets `map_func` returns, `block_length` elements at a time.

        >>> ds = Dataset.range(1, 3).interleave(
        ...     lambda x: Dataset.from_tensors(x).repeat(2), cycle_length=2)
        >>> [int(v) for v in ds]
        [1, 2, 1, 2]
        """
        return Dataset(InterleaveDataset(self._pipeline(), map_func, cycle_length, block_length,
                                         num_parallel_calls))

    def scan(self, initial_state, scan_func, name=None):
        """Like reduce, but yields every intermediate output.

        >>> [int(v) for v in Dataset.range(4).scan(np.int64(0), lambda s, x: (s + x, s + x))]
        [0, 1, 3, 6]
        """
        return Dataset(ScanDataset(self._pipeline(), initial_state, scan_func))

    def take_while(self, predicate, name=None):
        """Stops at the first element where `predicate` is False."""
        return Dataset(TakeWhileDataset(self._pipeline(), predicate))

    def unique(self, name=None):
        """Drops repeated elements (scalar ints or strings)."""
        return Dataset(UniqueDataset(self._pipeline()))

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                        name=None):
        """Groups elements by the int64 `key_func(element)`; each window of `window_size`
        elements (a dataset) becomes `reduce_func(key, window)`'s elements.

        >>> ds = Dataset.range(6).group_by_window(
        ...     lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
        >>> [b.tolist() for b in ds.as_numpy_iterator()]
        [[0, 2, 4], [1, 3, 5]]
        """
        return Dataset(GroupByWindowDataset(self._pipeline(), key_func, reduce_func, window_size,
                                            window_size_func, as_dataset=Dataset))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None,
              name=None):
        """Stacks `batch_size` consecutive elements; the last batch may be smaller."""
        return Dataset(BatchDataset(self._pipeline(), batch_size, drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False,
                     name=None):
        """Batches elements of different shapes, padding each to a common shape.

        >>> ds = Dataset.from_generator(lambda: iter([[1], [2, 3]]),
        ...     output_signature=structure.TensorSpec([None], "int32"))
        >>> [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
        [[[1, 0], [2, 3]]]
        """
        return Dataset(PaddedBatchDataset(self._pipeline(), batch_size, padded_shapes,
                                          padding_values, drop_remainder))

    def unbatch(self, name=None):
        """Splits elements into their rows (the inverse of batch)."""
        return Dataset(UnbatchDataset(self._pipeline()))

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Re-batches already batched elements to `batch_size` rows each."""
        return Dataset(BatchDataset(UnbatchDataset(self._pipeline()), batch_size, drop_remainder))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of elements, each a (structure of) dataset(s); see `flat_map` to batch them.

        >>> ds = Dataset.range(5).window(2, shift=2)
        >>> [[int(v) for v in w] for w in ds]
        [[0, 1], [2, 3], [4]]
        """
        return Dataset(WindowDataset(self._pipeline(), size, shift, stride, drop_remainder,
                                     as_dataset=Dataset))

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary=False, no_padding=False,
                                  drop_remainder=False, name=None):
        """Batches elements of similar length together (buckets split at `bucket_boundaries`)."""
        return Dataset(BucketDataset(self._pipeline(), element_length_func, bucket_boundaries,
                                     bucket_batch_sizes, padded_shapes, padding_values,
                                     pad_to_bucket_boundary, no_padding, drop_remainder))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Shuffles with a buffer of `buffer_size` elements, as TF.

        >>> ds = Dataset.range(5).shuffle(5, seed=1)
        >>> sorted(int(v) for v in ds.as_numpy_iterator())
        [0, 1, 2, 3, 4]
        """
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return Dataset(ShuffleDataset(self._pipeline(), buffer_size, seed, reshuffle))

    def prefetch(self, buffer_size, name=None):
        """Prepares up to `buffer_size` elements on a background thread (AUTOTUNE: 2)."""
        return Dataset(PrefetchDataset(self._pipeline(), buffer_size))

    def cache(self, filename="", name=None):
        """Caches the elements after the first full iteration, in memory or in `filename`."""
        return Dataset(CacheDataset(self._pipeline(), filename))

    def ignore_errors(self, log_warning=False, name=None):
        """Drops the elements whose production raised an error (a failing `map` function,
        a damaged TFRecord file: the rest of that file), logging them if `log_warning`.

        >>> import tapeflow as tf
        >>> ds = Dataset.from_tensor_slices([1., 0., 4.]).map(
        ...     lambda x: tf.debugging.check_numerics(1. / x, "division by zero"))
        >>> [float(v) for v in ds.ignore_errors()]
        [1.0, 0.25]
        """
        return Dataset(IgnoreErrorsDataset(self._pipeline(), log_warning))

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64,
                     name=None):
        """Batches elements of different shapes into RaggedTensors."""
        return Dataset(RaggedBatchDataset(self._pipeline(), batch_size, drop_remainder,
                                          row_splits_dtype))

    def sparse_batch(self, batch_size, row_shape, name=None):
        """Batches elements of different shapes into SparseTensors of shape
        [batch, *row_shape] (all entries kept; -1 in `row_shape`: the batch's largest)."""
        return Dataset(SparseBatchDataset(self._pipeline(), batch_size, row_shape))

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name=None):
        """(class, element) pairs resampled so that classes follow `target_dist`.

        >>> import tapeflow as tf
        >>> ds = Dataset.range(8).rejection_resample(lambda x: tf.cast(x % 2, tf.int32),
        ...     [1.0, 0.0], initial_dist=[0.5, 0.5], seed=1)
        >>> [int(x) for _, x in ds]
        [0, 2, 4, 6]
        """
        return Dataset(RejectionResampleDataset(self._pipeline(), class_func, target_dist,
                                                initial_dist, seed))

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        """Writes the elements under directory `path` (read back with `Dataset.load`).

        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "ds")
        >>> Dataset.range(2).save(p)
        >>> [int(v) for v in Dataset.load(p)]
        [0, 1]
        """
        save(self, path, compression, shard_func)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None):
        """The dataset `Dataset.save` wrote under `path`."""
        return Dataset(LoadDataset(path, element_spec, compression))

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None, name=None):
        """Writes the elements under `path` on the first full pass; later passes (and
        other pipelines with the same `path`) read them back instead of recomputing."""
        return Dataset(SnapshotDataset(self._pipeline(), path, compression, shard_func))

    def concatenate(self, dataset, name=None):
        """Elements of this dataset followed by those of `dataset`.

        >>> [int(v) for v in Dataset.range(2).concatenate(Dataset.range(5, 6))]
        [0, 1, 5]
        """
        return Dataset(ConcatenateDataset(self._pipeline(), dataset))


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
