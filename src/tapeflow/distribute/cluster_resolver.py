"""`tf.distribute.cluster_resolver.TFConfigClusterResolver` and `ClusterSpec`.

The cluster comes from the `TF_CONFIG` environment variable as in TF
(`{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker",
"index": i}}`); MultiWorkerMirroredStrategy maps it onto
`jax.distributed.initialize` (the first worker is JAX's coordinator).

>>> r = TFConfigClusterResolver(tf_config='{"cluster": {"worker": ["h:1", "h:2"]},'
...                             ' "task": {"type": "worker", "index": 1}}')
>>> r.task_type, r.task_id, r.cluster_spec().num_tasks("worker")
('worker', 1, 2)
"""
import json
import os

import jax

__all__ = ["ClusterSpec", "TFConfigClusterResolver", "workers_of"]


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


def workers_of(resolver):
    """(worker addresses, this task's index among them) from a resolver; clear errors."""
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
