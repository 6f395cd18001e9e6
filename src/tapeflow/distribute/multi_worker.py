"""`MultiWorkerMirroredStrategy` on `jax.distributed`, and its communication options.

The cluster comes from `TF_CONFIG` (cluster_resolver.py); the first worker's
address is JAX's coordinator; `jax.distributed.initialize` connects the
processes and the strategy's mesh spans every device of every process
(cross-process collectives are JAX's). Input across processes is in
multi_worker_input.py, its auto-sharding in auto_shard.py.

>>> import tapeflow as tf
>>> tf.distribute.MultiWorkerMirroredStrategy().num_replicas_in_sync >= 1
True
"""
import enum

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import NamedSharding, PartitionSpec as P

from .. import nest
from ..framework.context import current_trace
from ..framework.tensor import Tensor, convert_to_tensor
from .auto_shard import shard_for_worker
from .cluster_resolver import TFConfigClusterResolver, workers_of
from .input_lib import InputContext
from .multi_worker_input import GlobalBatches, LocalReplicaBatches, WorkerBatches, fetchable
from .reduce_op import ReduceOp
from .strategy import Strategy
from .values import DistributedValues, PerReplica

__all__ = ["MultiWorkerMirroredStrategy", "CommunicationOptions",
           "CommunicationImplementation"]


class CommunicationImplementation(enum.Enum):
    """Which collective implementation to ask for (`AUTO`, `RING`, `NCCL`).

    On JAX every choice lowers to XLA's collectives (NCCL on GPUs, XLA's host
    collectives on CPU); the value is kept on the options for inspection.
    """
    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """Options of cross-replica collectives (`tf.distribute.experimental.CommunicationOptions`).

    Validated as TF does; JAX's runtime chooses packing, timeouts and the algorithm.

    >>> o = CommunicationOptions(implementation=CommunicationImplementation.NCCL)
    >>> o.implementation.value, o.bytes_per_pack
    ('NCCL', 0)
    """

    def __init__(self, bytes_per_pack=0, timeout_seconds=None,
                 implementation=CommunicationImplementation.AUTO):
        if bytes_per_pack < 0:
            raise ValueError(f"bytes_per_pack must be non-negative. Received: "
                             f"bytes_per_pack={bytes_per_pack}")
        if isinstance(implementation, str):
            implementation = CommunicationImplementation[implementation.upper()]
        if not isinstance(implementation, CommunicationImplementation):
            raise ValueError("implementation should be a "
                             "tf.distribute.experimental.CommunicationImplementation. "
                             f"Received: implementation={implementation!r}")
        self.bytes_per_pack = bytes_per_pack
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation

    def merge(self, options):
        """These options with the ones set (non-default) in `options` taking precedence."""
        if options is None:
            return self
        return CommunicationOptions(
            options.bytes_per_pack or self.bytes_per_pack,
            options.timeout_seconds if options.timeout_seconds is not None
            else self.timeout_seconds,
            options.implementation if options.implementation is not
            CommunicationImplementation.AUTO else self.implementation)


_INITIALIZED = []


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous data parallelism over every device of every worker process.

    With more than one worker in `TF_CONFIG`, `jax.distributed.initialize` is
    called (once) with the first worker as coordinator. Each worker feeds
    its share of every global batch; `fit`/`evaluate`/`predict` and
    `strategy.run` inside a tf.function run one SPMD program spanning the
    processes (`experimental_distribute_dataset` yields global arrays sharded
    over 'batch'). Eager `run` runs each process's replicas in that process
    and meets the other processes at every all_reduce (JAX's multi-process
    collectives); `distribute_datasets_from_function` calls `dataset_fn` in
    each worker with that worker's `InputContext`.
    """

    def __init__(self, communication_options=None, cluster_resolver=None):
        self._resolver = cluster_resolver or TFConfigClusterResolver()
        jobs = self._resolver.cluster_spec().as_dict()
        if jobs:
            workers, index = workers_of(self._resolver)
            if len(workers) > 1 and not _INITIALIZED:
                jax.distributed.initialize(coordinator_address=workers[0],
                                           num_processes=len(workers), process_id=index)
                _INITIALIZED.append(True)
            self._num_workers, self._worker_index = len(workers), index
        else:
            self._num_workers, self._worker_index = 1, 0
        if communication_options is None:
            communication_options = CommunicationOptions()
        if not isinstance(communication_options, CommunicationOptions):
            raise ValueError("communication_options must be a "
                             "tf.distribute.experimental.CommunicationOptions. Received: "
                             f"communication_options={communication_options!r}")
        self.communication_options = communication_options
        super().__init__(jax.devices())

    @property
    def cluster_resolver(self):
        return self._resolver

    @property
    def _local_replica_ids(self):
        """The global replica ids of this process's devices, in mesh order."""
        me = jax.process_index()
        return [i for i, d in enumerate(self._devices) if d.process_index == me]

    def _place_variable(self, var):
        if self._num_workers == 1:
            return super()._place_variable(var)
        var._distribute_strategy = self
        self._variables[var._uid] = var
        if self._eager_created is not None:  # inside an eager run: stays local until it ends
            self._eager_created.append(var)
            return
        var._swap_value(self._globalize(var._value))

    def _globalize(self, value):
        """A process-local value (the same in every process) as a replicated global array."""
        local = np.asarray(value)
        return jax.make_array_from_process_local_data(self._replicated, local, local.shape)

    # -- eager strategy.run across processes ---------------------------------------------------
    _eager_created = None

    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs `fn` on every replica. Across processes, eagerly: each process runs its own
        replicas (one thread each) on host-local copies of the variables; all_reduce and
        strategy.reduce meet the other processes through JAX (`multihost_utils`); the
        variables become replicated global arrays again when `run` returns."""
        if self._num_workers == 1 or current_trace() is not None:
            return super().run(fn, args, kwargs, options)
        variables = self._live_variables()
        originals = [v._value for v in variables]
        local = [_host_local(a) for a in originals]
        for v, a in zip(variables, local):
            v._swap_value(a)
        self._eager_created = created = []
        try:
            return self._run_threads(fn, _to_host(args), _to_host(kwargs or {}),
                                     self._local_replica_ids)
        finally:
            self._eager_created = None
            for v, orig, mine in zip(variables, originals, local):
                v._swap_value(orig if v._value is mine else self._globalize(v._value))
            for v in created:
                v._swap_value(self._globalize(v._value))

    def _across_processes(self, arrays):
        """Elementwise sums over the processes of each array (same shapes everywhere)."""
        if self._num_workers == 1:
            return arrays
        gathered = multihost_utils.process_allgather([np.asarray(a) for a in arrays])
        return [jnp.asarray(g.sum(axis=0)) for g in gathered]

    def _batch_all_reduce(self, op, replica_values):
        if self._num_workers == 1 or current_trace() is not None:
            return super()._batch_all_reduce(op, replica_values)
        flat = [nest.flatten(v) for v in replica_values]
        sums = [sum(np.asarray(convert_to_tensor(f[k])._value) for f in flat)
                for k in range(len(flat[0]))]
        totals = self._across_processes(sums)
        if op is ReduceOp.MEAN:
            totals = [t / jnp.asarray(self.num_replicas_in_sync, t.dtype) for t in totals]
        packed = nest.pack_sequence_as(replica_values[0], [Tensor._from_host(t) for t in totals])
        return [packed] * len(replica_values)

    def _all_gather_replicas(self, replica_values, axis):
        local = super()._all_gather_replicas(replica_values, axis)
        if self._num_workers == 1 or current_trace() is not None:
            return local

        def gather(t):
            moved = np.moveaxis(np.asarray(t), axis, 0)
            full = multihost_utils.process_allgather(moved, tiled=True)
            return Tensor._from_host(jnp.asarray(np.moveaxis(full, 0, axis)))
        return nest.map_structure(gather, local)

    def _combine(self, op, parts):
        if self._num_workers == 1 or current_trace() is not None:
            return super()._combine(op, parts)
        local = sum(np.asarray(p._value) for p in parts)  # parts may sit on different devices
        total = self._across_processes([local])[0]
        if op is ReduceOp.MEAN:
            total = total / jnp.asarray(len(parts) * self._num_workers, total.dtype)
        return Tensor._from_host(total)

    def experimental_local_results(self, value):
        """This process's replicas' components (a compiled run's result holds every
        replica's; the ones of this process's replicas are picked, as TF)."""
        local = super().experimental_local_results(value)
        n, mine = self.num_replicas_in_sync, self._local_replica_ids
        if self._num_workers > 1 and current_trace() is None and len(local) == n != len(mine):
            return tuple(local[i] for i in mine)
        return local

    def gather(self, value, axis):
        """Every replica's component of every process, concatenated along `axis`."""
        if self._num_workers == 1 or current_trace() is not None:
            return super().gather(value, axis)
        parts = [Tensor._from_host(np.asarray(p._value)) for p in
                 self.experimental_local_results(value)]
        return self._all_gather_replicas(parts, axis)

    def _element_count(self, parts, axis):
        count = super()._element_count(parts, axis)
        if self._num_workers == 1 or current_trace() is not None:
            return count
        return int(self._across_processes([np.asarray(count)])[0])

    def experimental_distribute_dataset(self, dataset, options=None):
        """Each worker reads its share of `dataset` per its AutoShardPolicy (auto_shard.py:
        FILE: its files; DATA: its rows of every global batch; OFF: everything); across
        processes the elements are global arrays sharded over 'batch'."""
        if self._num_workers == 1:
            return super().experimental_distribute_dataset(dataset, options)
        local = shard_for_worker(dataset, self._num_workers, self._worker_index)
        if local is None:  # DATA
            return GlobalBatches(self, dataset)
        return GlobalBatches(self, local, per_worker=True)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """`dataset_fn(InputContext)` runs in each worker (input_pipeline_id = its index);
        each step takes one element per local replica."""
        if self._num_workers == 1:
            return super().distribute_datasets_from_function(dataset_fn, options)
        ctx = InputContext(num_input_pipelines=self._num_workers,
                           input_pipeline_id=self._worker_index,
                           num_replicas_in_sync=self.num_replicas_in_sync)
        return LocalReplicaBatches(self, dataset_fn(ctx))

    def _keras_input(self, x):
        """Keras fit/evaluate/predict input: a tf.data dataset is auto-sharded as
        experimental_distribute_dataset does (FILE: this worker's files; OFF: all; batches
        of global batch / workers) and read by this worker only (WorkerBatches); DATA (and
        other inputs) stay global batches of which each worker keeps its rows."""
        if self._num_workers == 1:
            return super()._keras_input(x)
        if not hasattr(x, "options") or not hasattr(x, "_inputs"):
            return x
        local = shard_for_worker(x, self._num_workers, self._worker_index)
        return x if local is None else WorkerBatches(self, local)

    def _fetchable(self, outputs):
        """A compiled step's outputs readable here (per-row outputs gathered from all)."""
        return outputs if self._num_workers == 1 else fetchable(outputs)

    def shard_batch(self, array, axis=0):
        """This worker's slice (along `axis`) of a global batch, assembled into the global
        array; a batch that already is a global array (from WorkerBatches) is taken as it
        is. A batch that does not divide by the replicas (a short last one) is replicated:
        every device computes all its rows, which gives the same step as one device."""
        if isinstance(array, jax.Array) and not array.is_fully_addressable:
            return array
        if self._num_workers == 1:
            return super().shard_batch(array, axis)
        a = np.asarray(array)
        if a.ndim <= axis or a.shape[axis] % self.num_replicas_in_sync:
            return self._globalize(a)
        rows = a.shape[axis] // self._num_workers
        mine = np.take(a, range(self._worker_index * rows, (self._worker_index + 1) * rows),
                       axis=axis)
        sharding = NamedSharding(self._mesh, P(*([None] * axis + ["batch"])))
        return jax.make_array_from_process_local_data(sharding, mine, a.shape)


def _host_local(value):
    """This process's copy of a replicated global array, as an uncommitted local array."""
    if isinstance(value, jax.Array) and not value.is_fully_addressable:
        return jnp.asarray(np.asarray(value.addressable_data(0)))
    return value


def _to_host(structure):
    """DistributedValues components as uncommitted host arrays (one eager replica each)."""
    def one(v):
        if not isinstance(v, DistributedValues):
            return v
        return PerReplica([Tensor._from_host(jnp.asarray(np.asarray(c._value)))
                           if isinstance(c, Tensor) else c for c in v.values])
    return nest.map_structure(one, structure)
