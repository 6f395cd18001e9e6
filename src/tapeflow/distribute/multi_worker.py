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
import json
import os

import jax
import numpy as np

from .. import nest
from ..framework.context import current_trace
from ..framework.tensor import Tensor
from .strategy import Strategy
from .values import PerReplica

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


class CommunicationImplementation:
    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """Collective options (accepted; JAX picks the collective implementation)."""

    def __init__(self, bytes_per_pack=0, timeout_seconds=None,
                 implementation=CommunicationImplementation.AUTO):
        self.bytes_per_pack = bytes_per_pack
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation


_INITIALIZED = []


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous data parallelism over every device of every worker process.

    With more than one worker in `TF_CONFIG`, `jax.distributed.initialize` is
    called (once) with the first worker as coordinator. Each worker feeds
    its share of every global batch; `fit`/`evaluate`/`predict` and
    `strategy.run` inside a tf.function run one SPMD program spanning the
    processes (`experimental_distribute_dataset` yields global arrays sharded
    over 'batch'). Eager `run` and `distribute_datasets_from_function` work
    within one process only (a clear error otherwise).
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
        self.communication_options = communication_options
        super().__init__(jax.devices())

    @property
    def cluster_resolver(self):
        return self._resolver

    def _place_variable(self, var):
        if self._num_workers == 1:
            return super()._place_variable(var)
        local = np.asarray(var._value)
        var._swap_value(jax.make_array_from_process_local_data(self._replicated, local,
                                                               local.shape))
        var._distribute_strategy = self
        self._variables[var._uid] = var

    def _single_process(self, what):
        if self._num_workers > 1:
            raise NotImplementedError(
                f"MultiWorkerMirroredStrategy.{what} spans {self._num_workers} processes, which "
                "tapeflow supports inside a tf.function (one SPMD program over every worker's "
                "devices) and in Keras fit/evaluate/predict. Wrap the step in tf.function.")

    def run(self, fn, args=(), kwargs=None, options=None):
        if current_trace() is None:
            self._single_process("run")
        return super().run(fn, args, kwargs, options)

    def experimental_distribute_dataset(self, dataset, options=None):
        """Each worker keeps its rows of every global batch (TF's AutoShardPolicy.DATA);
        across processes the elements are global arrays sharded over 'batch'."""
        if self._num_workers == 1:
            return super().experimental_distribute_dataset(dataset, options)
        return GlobalBatches(self, dataset)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        self._single_process("distribute_datasets_from_function")
        return super().distribute_datasets_from_function(dataset_fn, options)

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
    """Iterates a dataset of global batches as ShardedBatch leaves (multi-process)."""

    def __init__(self, strategy, dataset):
        self._strategy, self._dataset = strategy, dataset

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        for element in self._dataset:
            yield nest.map_structure(
                lambda v: ShardedBatch(Tensor._from_host(self._strategy.shard_batch(
                    np.asarray(v)))), element)
