"""Distributed input across worker processes (MultiWorkerMirroredStrategy).

Each element is a global array laid out over the strategy's 'batch' mesh axis
(`jax.make_array_from_process_local_data`: every process hands in its rows),
wrapped as a ShardedBatch: a PerReplica whose `values` are this process's
replicas' shards and whose one traced component, in a tf.function, is the
global array itself. A batch that cannot be one even global array (a short
last batch) is an UnevenBatch: this process's replicas' slices of TF's ceil split,
and every replica's slice for a compiled run.

>>> import numpy as np
>>> _ceil_split(np.arange(5), 4, [2, 3])[0].numpy().tolist()
[4]
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils

from .. import nest
from ..framework.tensor import Tensor
from .input_lib import groups_of
from .values import PerReplica

__all__ = ["ShardedBatch", "UnevenBatch", "GlobalBatches", "LocalReplicaBatches", "WorkerBatches",
           "fetchable"]


class ShardedBatch(PerReplica):
    """One global array split over the replicas of every process (a PerReplica).

    `values` are this process's replicas' shards; in a tf.function the global
    array itself is the traced input (strategy.run hands it to shard_map).
    """

    def __init__(self, global_value):
        self._global = global_value
        super().__init__([Tensor._from_host(s.data) for s in
                          sorted(global_value._value.addressable_shards,
                                 key=lambda s: s.index[0].start or 0)])

    def _to_components(self):
        return (self._global,)

    def _with_components(self, components):
        obj = object.__new__(ShardedBatch)
        obj._global, obj._values = components[0], ()
        return obj


class UnevenBatch(PerReplica):
    """A global batch that does not split evenly over the replicas (TF's ceil split).

    `values` are this process's replicas' slices (what eager `strategy.run` and
    `experimental_local_results` take). As a tf.function argument its components are
    EVERY replica's slice, replicated on all devices (each process knows them all), so a
    compiled `strategy.run` traces the replicas one by one (unrolled_run.py) into the
    same program in every process; the variables and results stay replicated.
    """

    def __init__(self, strategy, local, everyone):
        super().__init__(local)
        self._strategy, self._everyone = strategy, everyone

    def _to_components(self):
        return tuple(Tensor._from_host(self._strategy._globalize(a)) for a in self._everyone)

    def _with_components(self, components):
        return PerReplica(components)


class GlobalBatches:
    """Iterates a dataset of global batches as ShardedBatch leaves (multi-process); a batch
    that does not split evenly (a short last one) is an UnevenBatch.

    per_worker: the dataset yields this worker's batches (already sharded), which
    the workers' batches together make one global batch; the workers exchange their
    batch sizes each step, and one whose pipeline has ended hands in empty batches
    until every worker's has (TF's partial batches).
    """

    def __init__(self, strategy, dataset, per_worker=False):
        self._strategy, self._dataset = strategy, dataset
        self._per_worker = per_worker

    def _leaf(self, value):
        """A ShardedBatch (a global array) when the global batch `value` splits evenly over
        the replicas, else an UnevenBatch of TF's ceil(batch / replicas) split."""
        a = _batched(value)
        strategy = self._strategy
        if a.shape[0] % strategy.num_replicas_in_sync == 0:
            return ShardedBatch(Tensor._from_host(strategy.shard_batch(a)))
        everyone = _ceil_slices(a, strategy.num_replicas_in_sync)
        return UnevenBatch(strategy, _local(everyone, strategy._local_replica_ids), everyone)

    def _worker_leaf(self, a, counts):
        """This worker's batch `a` as its part of the global batch (`counts`: every
        worker's rows); each worker splits its batch over its own replicas."""
        strategy, local_ids = self._strategy, self._strategy._local_replica_ids
        a = _batched(a)
        if len(set(counts)) == 1 and a.shape[0] % len(local_ids) == 0:
            shape = (a.shape[0] * strategy._num_workers,) + a.shape[1:]
            return ShardedBatch(Tensor._from_host(jax.make_array_from_process_local_data(
                strategy._batch_sharding, a, shape)))
        everyone = _every_replica(strategy, _ceil_slices(a, len(local_ids)))
        return UnevenBatch(strategy, _local(everyone, local_ids), everyone)

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        if not self._per_worker:
            for element in self._dataset:
                yield nest.map_structure(self._leaf, element)
            return
        for structure, flat, counts in _steps(self._dataset):
            yield nest.pack_sequence_as(structure, [self._worker_leaf(a, counts)
                                                    for a in flat])


def _batched(value):
    a = np.asarray(value)
    if not a.ndim:
        raise ValueError("experimental_distribute_dataset needs batched elements: "
                         f"Received a scalar element of dtype {a.dtype}")
    return a


def _ceil_slices(a, n):
    """`a` split as TF splits a batch over n replicas: ceil(rows / n) each, the last fewer."""
    rows = a.shape[0]
    k = -(-rows // n)
    return [a[min(r * k, rows):min((r + 1) * k, rows)] for r in range(n)]


def _ceil_split(a, n, ids):
    """Replicas `ids`' slices of `a` (TF's ceil split over n replicas), as Tensors."""
    return _local(_ceil_slices(a, n), ids)


def _local(slices, ids):
    return [Tensor._from_host(jnp.asarray(slices[r])) for r in ids]


def _every_replica(strategy, parts):
    """Every replica's part, from each process's `parts` (one per local replica, rows may
    differ): the parts padded to the longest and gathered from all processes."""
    counts = np.asarray(multihost_utils.process_allgather(
        np.asarray([p.shape[0] for p in parts])))
    top = int(counts.max())
    padded = np.stack([np.concatenate([p, np.zeros((top - p.shape[0],) + p.shape[1:],
                                                    p.dtype)]) for p in parts])
    gathered = np.asarray(multihost_utils.process_allgather(padded))
    slices = [None] * strategy.num_replicas_in_sync
    for w in range(gathered.shape[0]):
        ids = [i for i, d in enumerate(strategy._devices) if d.process_index == w]
        for k, r in enumerate(ids):
            slices[r] = gathered[w, k, :counts[w, k]]
    return slices


class LocalReplicaBatches:
    """A worker's per-replica dataset (distribute_datasets_from_function across processes):
    each step is one element per local replica, as a global array when every replica's
    has one shape, else an UnevenBatch."""

    def __init__(self, strategy, dataset):
        self._strategy, self._dataset = strategy, dataset

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def _leaf(self, parts):
        arrays = [np.asarray(p._value if isinstance(p, Tensor) else p) for p in parts]
        if not arrays[0].ndim:
            return PerReplica([Tensor._from_host(jnp.asarray(a)) for a in arrays])
        shapes = np.asarray(multihost_utils.process_allgather(  # one decision everywhere
            np.asarray([a.shape for a in arrays])))
        if len({tuple(row) for row in shapes.reshape(-1, shapes.shape[-1]).tolist()}) != 1:
            everyone = _every_replica(self._strategy, arrays)
            return UnevenBatch(self._strategy, [Tensor._from_host(jnp.asarray(a))
                                                for a in arrays], everyone)
        mine = np.concatenate(arrays, axis=0)
        shape = (mine.shape[0] * self._strategy._num_workers,) + mine.shape[1:]
        return ShardedBatch(Tensor._from_host(jax.make_array_from_process_local_data(
            self._strategy._batch_sharding, mine, shape)))

    def __iter__(self):
        for group in groups_of(self._dataset, len(self._strategy._local_replica_ids)):
            flat = [nest.flatten(g) for g in group]
            yield nest.pack_sequence_as(group[0], [self._leaf([f[k] for f in flat])
                                                   for k in range(len(flat[0]))])


class WorkerBatches:
    """This worker's batches of an auto-sharded dataset, as Keras fit/evaluate/predict's input.

    Each step the workers exchange their batch sizes (one small collective, as TF's
    get_next_as_optional): when every worker has a batch of one size that its
    replicas split evenly, the leaves are global arrays (the workers' batches
    together, in worker order) laid out over 'batch', which the compiled step takes as
    they are; otherwise (unequal or missing batches near the end) the workers' rows
    are gathered into one host batch that every worker holds (the DATA path). The
    epoch ends when every worker's pipeline has ended.
    """

    def __init__(self, strategy, dataset):
        self._strategy, self._dataset = strategy, dataset
        counts = multihost_utils.process_allgather(np.asarray(int(dataset.cardinality())))
        counts = np.asarray(counts).tolist()
        self._card = max(counts) if min(counts) >= 0 else min(counts)

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def cardinality(self):
        return self._card

    def __iter__(self):
        workers = self._strategy._num_workers
        local_replicas = len(self._strategy._local_replica_ids)
        for structure, flat, counts in _steps(self._dataset):
            rows = counts[jax.process_index()]
            if min(counts) == max(counts) and rows and rows % local_replicas == 0:
                sharding = self._strategy._batch_sharding
                yield nest.pack_sequence_as(structure, [Tensor._from_host(
                    jax.make_array_from_process_local_data(
                        sharding, a, (a.shape[0] * workers,) + a.shape[1:])) for a in flat])
                continue
            top = max(counts)  # every worker's rows, in worker order, on every worker
            padded = [np.concatenate([a, np.zeros((top - a.shape[0],) + a.shape[1:], a.dtype)])
                      for a in flat]
            gathered = multihost_utils.process_allgather(padded)
            yield nest.pack_sequence_as(structure, [
                np.concatenate([g[w, :c] for w, c in enumerate(counts) if c > 0])
                for g in gathered])


def _steps(dataset):
    """(structure, host leaves, every worker's row count) per step of this worker's
    `dataset`, until EVERY worker's dataset has ended: the workers exchange their counts
    each step (one small collective, as TF's get_next_as_optional) and a worker whose
    dataset has ended hands in zero rows (count -1)."""
    it = iter(dataset)
    spec = dataset.element_spec
    while True:
        element = next(it, None)
        if element is None:
            structure = spec
            flat = [np.zeros((0,) + tuple(d or 0 for d in s.shape[1:]), s.dtype.as_numpy_dtype)
                    for s in nest.flatten(spec)]
        else:
            structure, flat = element, [np.asarray(v) for v in nest.flatten(element)]
        rows = -1 if element is None else (flat[0].shape[0] if flat and flat[0].ndim else 0)
        counts = np.asarray(multihost_utils.process_allgather(np.asarray(rows))).tolist()
        if max(counts) < 0:
            return
        yield structure, flat, [max(c, 0) for c in counts]


def fetchable(structure):
    """Leaves that span other processes' devices without being replicated (a compiled
    step's per-row outputs), gathered so that this process can read them."""
    def one(v):
        a = getattr(v, "_value", None)
        if isinstance(a, jax.Array) and not a.is_fully_addressable and \
                not a.is_fully_replicated:
            return Tensor._from_host(jnp.asarray(multihost_utils.process_allgather(a,
                                                                               tiled=True)))
        return v
    return nest.map_structure(one, structure)
