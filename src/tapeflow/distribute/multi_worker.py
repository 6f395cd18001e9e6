"""`MultiWorkerMirroredStrategy` on `jax.distributed`, and `TFConfigClusterResolver`.

The cluster comes from the `TF_CONFIG` environment variable as in TF
(`{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker",
"index": i}}`). The first worker's address is JAX's coordinator;
`jax.distributed.initialize` connects the processes and the strategy's mesh
spans every device of every process (cross-process collectives are JAX's).

>>> r = TFConfigClusterResolver(tf_config='{"cluster": {"worker": ["h:1", "h:2"]},'
...                             ' "task": {"type": "worker", "index": 1}}')
>>> r.task_type, r.task_id, r.cluster_spec().num_tasks("worker")
('worker', 1, 2)
"""
import enum
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils

from .. import nest
from ..framework.context import current_trace
from ..framework.tensor import Tensor, convert_to_tensor
from .auto_shard import shard_for_worker
from .input_lib import InputContext, groups_of
from .reduce_op import ReduceOp
from .strategy import Strategy
from .values import DistributedValues, PerReplica

__all__ = ["TFConfigClusterResolver", "ClusterSpec", "MultiWorkerMirroredStrategy",
           "CommunicationOptions", "CommunicationImplementation"]


class ClusterSpec:
    """Job name -> list of task addresses (`tf.train.ClusterSpec`)."""

    def __init__(self, cluster):
        self._cluster = {job: list(tasks.values()) if isinstance(tasks, dict) else list(tasks)
                         for job, tasks in dict(cluster or {}).items()}

    def as_dict(self):
        return {job: list(tasks) for job, tasks in self._cluster.items()}

    @property
    def jobs(self):
        return list(self._cluster)

    def num_tasks(self, job_name):
        if job_name not in self._cluster:
            raise ValueError(f"No such job in cluster: {job_name!r}")
        return len(self._cluster[job_name])

    def task_address(self, job_name, task_index):
        return self._cluster[job_name][task_index]


class TFConfigClusterResolver:
    """Reads the cluster and this task from `TF_CONFIG` (or the `tf_config` argument)."""

    def __init__(self, task_type=None, task_id=None, rpc_layer=None, environment=None,
                 tf_config=None):
        raw = tf_config if tf_config is not None else os.environ.get("TF_CONFIG", "")
        try:
            config = json.loads(raw) if raw else {}
        except json.JSONDecodeError as e:
            raise ValueError(f"TF_CONFIG is not valid JSON ({e}). Received: TF_CONFIG={raw!r}") \
                from None
        if not isinstance(config, dict):
            raise ValueError(f"TF_CONFIG must be a JSON object. Received: TF_CONFIG={raw!r}")
        task = config.get("task", {})
        self._cluster = ClusterSpec(config.get("cluster", {}))
        self.task_type = task_type if task_type is not None else task.get("type")
        self.task_id = int(task_id if task_id is not None else task.get("index", 0))
        self.rpc_layer = rpc_layer or config.get("rpc_layer", "grpc")
        self.environment = environment or config.get("environment", "")

    def cluster_spec(self):
        return self._cluster

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None):
        return {d.platform.upper(): 1 for d in jax.local_devices() if d.platform != "cpu"}

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        jobs = self._cluster.as_dict()
        if task_type is None and self.task_type is None:
            return ""
        addr = jobs[task_type or self.task_type][self.task_id if task_id is None else task_id]
        return f"{rpc_layer or self.rpc_layer}://{addr}"


def _workers(resolver):
    jobs = resolver.cluster_spec().as_dict()
    workers = jobs.get("chief", []) + jobs.get("worker", [])
    if not workers:
        raise ValueError("TF_CONFIG has no 'worker' (or 'chief') job: MultiWorkerMirroredStrategy "
                         f"needs the cluster's addresses. Received cluster: {jobs}")
    if resolver.task_type not in ("chief", "worker"):
        raise ValueError("TF_CONFIG's task type must be 'chief' or 'worker'. "
                         f"Received: task type={resolver.task_type!r}")
    index = resolver.task_id + (len(jobs.get("chief", [])) if resolver.task_type == "worker"
                                else 0)
    if not 0 <= index < len(workers):
        raise ValueError(f"TF_CONFIG's task index {resolver.task_id} is out of range for "
                         f"{len(workers)} workers")
    return workers, index


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
            workers, index = _workers(self._resolver)
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

    def shard_batch(self, array, axis=0):
        """This worker's slice of a global batch, assembled into the global array."""
        if self._num_workers == 1 or axis != 0:
            return super().shard_batch(array, axis)
        a = np.asarray(array)
        n = self.num_replicas_in_sync
        if not a.ndim or a.shape[0] % n:
            raise ValueError(f"The global batch ({a.shape[0] if a.ndim else 0}) must divide "
                             f"by the {n} replicas of {self._num_workers} workers")
        rows = a.shape[0] // self._num_workers
        mine = a[self._worker_index * rows:(self._worker_index + 1) * rows]
        return jax.make_array_from_process_local_data(self._batch_sharding, mine, a.shape)


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


class GlobalBatches:
    """Iterates a dataset of global batches as ShardedBatch leaves (multi-process); a batch
    that does not split evenly (a short last one) gives this process's PerReplica slices
    (eager `strategy.run` takes them; a compiled one needs even batches).

    per_worker: the dataset yields this worker's batches (already sharded), which
    the workers' batches together make one global batch.
    """

    def __init__(self, strategy, dataset, per_worker=False):
        self._strategy, self._dataset = strategy, dataset
        self._per_worker = per_worker

    def _leaf(self, value):
        """A ShardedBatch (a global array) when the batch splits evenly over the replicas,
        else this process's replicas' slices of TF's ceil(batch / replicas) split."""
        a = np.asarray(value)
        if not a.ndim:
            raise ValueError("experimental_distribute_dataset needs batched elements: "
                             f"Received a scalar element of dtype {a.dtype}")
        strategy, local_ids = self._strategy, self._strategy._local_replica_ids
        if not self._per_worker:
            if a.shape[0] % strategy.num_replicas_in_sync == 0:
                return ShardedBatch(Tensor._from_host(strategy.shard_batch(a)))
            return PerReplica(_ceil_split(a, strategy.num_replicas_in_sync, local_ids))
        counts = np.asarray(multihost_utils.process_allgather(np.asarray(a.shape[0])))
        if len(set(counts.tolist())) == 1 and a.shape[0] % len(local_ids) == 0:
            shape = (a.shape[0] * strategy._num_workers,) + a.shape[1:]
            return ShardedBatch(Tensor._from_host(jax.make_array_from_process_local_data(
                strategy._batch_sharding, a, shape)))
        return PerReplica(_ceil_split(a, len(local_ids), range(len(local_ids))))

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        for element in self._dataset:
            yield nest.map_structure(self._leaf, element)


def _ceil_split(a, n, ids):
    """Replicas `ids`' slices of `a` split as TF does: ceil(rows / n) each, the last fewer."""
    k = -(-a.shape[0] // n)
    return [Tensor._from_host(jnp.asarray(a[min(r * k, a.shape[0]):min((r + 1) * k, a.shape[0])]))
            for r in ids]


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


class LocalReplicaBatches:
    """A worker's per-replica dataset (distribute_datasets_from_function across processes):
    each step is one element per local replica, as a global array when they have one shape."""

    def __init__(self, strategy, dataset):
        self._strategy, self._dataset = strategy, dataset

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def _leaf(self, parts):
        arrays = [np.asarray(p._value if isinstance(p, Tensor) else p) for p in parts]
        if len({a.shape for a in arrays}) != 1 or not arrays[0].ndim:
            return PerReplica([Tensor._from_host(jnp.asarray(a)) for a in arrays])
        mine = np.concatenate(arrays, axis=0)
        shape = (mine.shape[0] * self._strategy._num_workers,) + mine.shape[1:]
        return ShardedBatch(Tensor._from_host(jax.make_array_from_process_local_data(
            self._strategy._batch_sharding, mine, shape)))

    def __iter__(self):
        for group in groups_of(self._dataset, len(self._strategy._local_replica_ids)):
            flat = [nest.flatten(g) for g in group]
            yield nest.pack_sequence_as(group[0], [self._leaf([f[k] for f in flat])
                                                   for k in range(len(flat[0]))])
