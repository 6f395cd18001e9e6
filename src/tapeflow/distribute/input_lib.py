"""Distributed input: global batches split across replicas, and `InputContext`.

`experimental_distribute_dataset` re-batches each global batch into one
slice per replica: like TF, each replica takes ceil(batch / replicas)
elements in order, so with a short batch the last replicas get fewer (or
none: 5 over 4 replicas is 2, 2, 1, 0).

>>> ctx = InputContext(num_replicas_in_sync=4)
>>> ctx.get_per_replica_batch_size(64)
16
"""
import numpy as np

from .. import nest
from ..framework.tensor import Tensor, convert_to_tensor
from .values import regroup

__all__ = ["InputContext", "ValueContext", "DistributedDataset",
           "DistributedDatasetFromFunction", "InputReplicationMode", "InputOptions", "groups_of"]


class InputReplicationMode:
    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputOptions:
    """Options of distributed input (accepted; prefetching is the dataset's own)."""

    def __init__(self, experimental_fetch_to_device=None,
                 experimental_replication_mode=InputReplicationMode.PER_WORKER,
                 experimental_place_dataset_on_device=False,
                 experimental_per_replica_buffer_size=1):
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode
        self.experimental_place_dataset_on_device = experimental_place_dataset_on_device
        self.experimental_per_replica_buffer_size = experimental_per_replica_buffer_size


class InputContext:
    """What a `dataset_fn` knows about the input pipelines (`tf.distribute.InputContext`)."""

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = num_input_pipelines
        self._input_pipeline_id = input_pipeline_id
        self._num_replicas_in_sync = num_replicas_in_sync

    @property
    def num_input_pipelines(self):
        return self._num_input_pipelines

    @property
    def input_pipeline_id(self):
        return self._input_pipeline_id

    @property
    def num_replicas_in_sync(self):
        return self._num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        """global_batch_size / num_replicas_in_sync; ValueError when it does not divide."""
        if global_batch_size % self._num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible "
                             f"by `num_replicas_in_sync` {self._num_replicas_in_sync}")
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self):
        return (f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, "
                f"total: {self._num_input_pipelines})")


class ValueContext:
    """Given to `experimental_distribute_values_from_function`'s `value_fn`."""

    def __init__(self, replica_id_in_sync_group=0, num_replicas_in_sync=1):
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync


def _split(leaf, n):
    t = convert_to_tensor(leaf)
    a = np.asarray(t._value) if not isinstance(t._value, np.ndarray) else t._value
    if a.ndim == 0:
        raise ValueError("experimental_distribute_dataset needs batched elements: "
                         f"Received a scalar element of dtype {t.dtype.name}")
    k = -(-a.shape[0] // n)  # TF: ceil(batch / replicas) each; the last ones get the rest
    return [Tensor._from_host(a[min(i * k, a.shape[0]):min((i + 1) * k, a.shape[0])])
            for i in range(n)]


class DistributedDataset:
    """Iterates a dataset's global batches as PerReplica slices."""

    def __init__(self, strategy, dataset):
        self._strategy = strategy
        self._dataset = dataset

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        n = self._strategy.num_replicas_in_sync
        for element in self._dataset:
            if n == 1:
                yield element
                continue
            leaves = [_split(v, n) for v in nest.flatten(element)]
            yield regroup([nest.pack_sequence_as(element, [p[i] for p in leaves])
                           for i in range(n)])

    def reduce(self, initial_state, reduce_func):
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state


class DistributedDatasetFromFunction(DistributedDataset):
    """Iterates a per-replica dataset: each step takes one element per replica."""

    def __iter__(self):
        for group in groups_of(self._dataset, self._strategy.num_replicas_in_sync):
            yield regroup(group)


def groups_of(dataset, n):
    """Consecutive elements of `dataset` in lists of `n` (one per replica); a short rest
    is dropped."""
    it = iter(dataset)
    while True:
        group = []
        for _ in range(n):
            try:
                group.append(next(it))
            except StopIteration:
                return
        yield group
