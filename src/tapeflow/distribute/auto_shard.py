"""Auto-sharding a tf.data pipeline over workers (`tf.data.experimental.AutoShardPolicy`).

`MultiWorkerMirroredStrategy.experimental_distribute_dataset` gives each
worker its own pipeline, as TF does, by rewriting a copy of the dataset graph
(the user's dataset is left as it is):

- FILE: every file-reading source (TFRecordDataset, TextLineDataset,
  FixedLengthRecordDataset, CsvDataset over a list of files or a dataset of
  file names, and `interleave`/`flat_map` whose function opens such a reader
  over a dataset of file names) reads only the files at positions
  `worker_index, worker_index + num_workers, ...`. Fewer files than workers is
  an error.
- AUTO (the default): FILE when every source reads files and there are at
  least as many files as workers, otherwise DATA.
- DATA: every worker reads the whole dataset and keeps its rows of each global
  batch (so each element is still seen once per epoch).
- OFF: no sharding; every worker reads every element.
- HINT: every `shard(SHARD_HINT, SHARD_HINT)` of the pipeline (the placeholder
  `tf.data.experimental.SHARD_HINT`) becomes `shard(num_workers, worker_index)`;
  nothing else is sharded. With any other policy a placeholder is left as it is,
  and iterating it raises FailedPreconditionError (as TF).

With FILE, OFF and HINT the pipeline's last `batch` is rewritten to the
per-worker batch size (global batch / workers), so one step's global batch is
the workers' batches together, as TF's rebatching does.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.range(8).batch(4)
>>> local = shard_for_worker(ds, 2, 0, tf.data.experimental.AutoShardPolicy.OFF)
>>> [v.numpy().tolist() for v in local]
[[0, 1], [2, 3], [4, 5], [6, 7]]
"""
import copy

from ..data import structure
from ..data.batching import BatchDataset
from ..data.dataset import Dataset
from ..data.options import SHARD_HINT, AutoShardPolicy
from ..data.pipeline import Node
from ..data.streams import FlatMapDataset
from ..data.transforms import ShardDataset
from ..framework import errors

__all__ = ["policy_of", "shard_for_worker", "replace_shard_hints", "fill_hints_in_process"]


def policy_of(dataset):
    """The dataset's `experimental_distribute.auto_shard_policy` (AUTO when unset)."""
    policy = dataset.options().experimental_distribute.auto_shard_policy
    return AutoShardPolicy.AUTO if policy is None else policy


def _replace_inputs(node, mapping):
    """A shallow copy of `node` whose input datasets are replaced per `mapping` (id -> ds)."""
    clone = copy.copy(node)
    clone.__dict__.pop("_spec", None)
    for key, value in vars(node).items():
        if isinstance(value, Node) and id(value) in mapping:
            setattr(clone, key, mapping[id(value)])
        elif isinstance(value, (list, tuple)) and any(
                isinstance(v, Node) and id(v) in mapping for v in value):
            setattr(clone, key, type(value)(mapping.get(id(v), v) if isinstance(v, Node)
                                            else v for v in value))
    return clone


def _rewrite(node, fn, memo=None):
    """The graph above `node` with `fn(node)` (a replacement, or None) applied bottom-up."""
    memo = {} if memo is None else memo
    if id(node) in memo:
        return memo[id(node)]
    replaced = fn(node)
    if replaced is None:
        inputs = node._inputs()
        mapping = {id(i): _rewrite(i, fn, memo) for i in inputs}
        changed = any(mapping[id(i)] is not i for i in inputs)
        replaced = _replace_inputs(node, mapping) if changed else node
    memo[id(node)] = replaced
    return replaced


def _names(node):
    return [n.decode() if isinstance(n, bytes) else str(n)
            for n in Dataset(node).as_numpy_iterator()]


def _is_reader(node):
    return hasattr(node, "_files") and hasattr(node, "_compression")


def _opens_reader(node):
    """An interleave/flat_map whose function turns a file name into a reader dataset."""
    if not isinstance(node, FlatMapDataset):
        return False
    spec = node._input.element_spec
    if getattr(spec, "dtype", None) is None or spec.dtype.name != "string" or spec.shape.rank:
        return False
    for name in node._input._elements():
        return _is_reader(structure.call(node._fn, name))
    return False


def _file_sources(top):
    """[(node, number of files)] for every file-reading source; None if a source is not."""
    found, seen, stack = [], set(), [top]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if _is_reader(node):
            files = node._files if node._files is not None else _names(node._file_ds)
            found.append((node, len(files)))
        elif _opens_reader(node):
            found.append((node, len(_names(node._input))))
        elif not node._inputs():
            return None  # a source that does not read files (range, from_tensor_slices, ...)
        else:
            stack.extend(node._inputs())
    return found


def _shard_files(sources, num_workers, index):
    targets = {id(node) for node, _ in sources}

    def shard(node):
        if id(node) not in targets:
            return None
        clone = copy.copy(node)
        clone.__dict__.pop("_spec", None)
        if isinstance(node, FlatMapDataset):
            clone._input = ShardDataset(node._input, num_workers, index)
        elif node._files is not None:
            clone._files = list(node._files)[index::num_workers]
        else:
            clone._file_ds = node._file_ds.shard(num_workers, index)
        return clone
    return shard


def replace_shard_hints(dataset, num_workers, index):
    """`dataset` (a copy) with every `shard(SHARD_HINT, ...)` made `shard(num_workers, index)`.

    >>> import tapeflow as tf
    >>> hint = tf.data.experimental.SHARD_HINT
    >>> ds = tf.data.Dataset.range(6).shard(hint, hint)
    >>> [int(v) for v in replace_shard_hints(ds, 3, 1)]
    [1, 4]
    """
    def fill(node):
        if isinstance(node, ShardDataset) and node._n == SHARD_HINT:
            inner = _rewrite(node._input, fill)
            return ShardDataset(inner, num_workers, index)
        return None
    return _rewrite(dataset, fill)


def fill_hints_in_process(dataset):
    """One worker's dataset: with the HINT policy, shard placeholders become shard(1, 0)."""
    if hasattr(dataset, "options") and policy_of(dataset) == AutoShardPolicy.HINT:
        return replace_shard_hints(dataset, 1, 0)
    return dataset


def _rebatch(dataset, num_workers):
    """`dataset` with its last batch's size divided by the number of workers."""
    node = dataset
    while not isinstance(node, BatchDataset):
        inputs = node._inputs()
        if len(inputs) != 1:
            raise ValueError("experimental_distribute_dataset across workers needs a dataset "
                             f"batched with `batch` (the global batch); found "
                             f"{type(node).__name__} before any batch")
        node = inputs[0]
    if node._size % num_workers:
        raise ValueError(f"The global batch size ({node._size}) must be divisible by the "
                         f"number of workers ({num_workers}) to shard it across them")
    target = node

    def smaller(n):
        if n is not target:
            return None
        clone = copy.copy(n)
        clone.__dict__.pop("_spec", None)
        clone._size = n._size // num_workers
        return clone
    return _rewrite(dataset, smaller)


def shard_for_worker(dataset, num_workers, index, policy=None):
    """This worker's pipeline (per-worker batches), or None for DATA sharding.

    `policy` defaults to the dataset's auto_shard_policy option.
    """
    policy = policy_of(dataset) if policy is None else policy
    if policy == AutoShardPolicy.DATA:
        return None
    if policy == AutoShardPolicy.HINT:
        dataset = replace_shard_hints(dataset, num_workers, index)
    if policy in (AutoShardPolicy.FILE, AutoShardPolicy.AUTO):
        sources = _file_sources(dataset)
        if not sources:
            if policy == AutoShardPolicy.FILE:
                raise errors.NotFoundError(
                    None, None, "AutoShardPolicy.FILE: the dataset has a source that does not "
                    "read files (shard by FILE needs TFRecordDataset/TextLineDataset/... over "
                    "a list of files); use AutoShardPolicy.DATA")
            return None
        fewest = min(count for _, count in sources)
        if fewest < num_workers:
            if policy == AutoShardPolicy.FILE:
                raise errors.InvalidArgumentError(
                    None, None, f"AutoShardPolicy.FILE: the dataset reads {fewest} file(s), "
                    f"fewer than the {num_workers} workers; use AutoShardPolicy.DATA")
            return None
        dataset = _rewrite(dataset, _shard_files(sources, num_workers, index))
    return _rebatch(dataset, num_workers)
