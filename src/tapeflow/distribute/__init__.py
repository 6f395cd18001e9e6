"""`tf.distribute`: strategies on JAX device meshes (jax.sharding, jax.distributed).

>>> import tapeflow as tf
>>> strategy = tf.distribute.get_strategy()
>>> strategy.num_replicas_in_sync
1
"""
import types as _types

from .context import (ReplicaContext, get_cross_replica_context, get_replica_context,  # noqa: F401
                      get_strategy, has_strategy, in_cross_replica_context)
from .cross_device_ops import (CrossDeviceOps, HierarchicalCopyAllReduce,  # noqa: F401
                               NcclAllReduce, ReductionToOneDevice)
from .input_lib import (InputContext, InputOptions, InputReplicationMode,  # noqa: F401
                        ValueContext)
from .cluster_resolver import ClusterSpec, TFConfigClusterResolver  # noqa: F401
from .multi_worker import (CommunicationImplementation, CommunicationOptions,  # noqa: F401
                           MultiWorkerMirroredStrategy)
from .one_device import OneDeviceStrategy  # noqa: F401
from .reduce_op import ReduceOp  # noqa: F401
from .strategy import MirroredStrategy, Strategy, StrategyExtended  # noqa: F401
from .values import DistributedValues  # noqa: F401


class TPUStrategy(MirroredStrategy):
    """Data parallelism over the TPU cores JAX sees (`tf.distribute.TPUStrategy`)."""

    def __init__(self, tpu_cluster_resolver=None, experimental_device_assignment=None,
                 experimental_spmd_xla_partitioning=False):
        import jax
        tpus = [d for d in jax.devices() if d.platform == "tpu"]
        if not tpus:
            raise ValueError(f"TPUStrategy needs TPUs; JAX sees {jax.devices()}")
        super().__init__(tpus)


cluster_resolver = _types.SimpleNamespace(TFConfigClusterResolver=TFConfigClusterResolver)
experimental = _types.SimpleNamespace(
    CommunicationImplementation=CommunicationImplementation,
    CommunicationOptions=CommunicationOptions, ValueContext=ValueContext,
    MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy, TPUStrategy=TPUStrategy)

__all__ = ["ReplicaContext", "get_cross_replica_context", "get_replica_context", "get_strategy",
           "has_strategy", "in_cross_replica_context", "InputContext", "InputOptions",
           "InputReplicationMode", "MultiWorkerMirroredStrategy", "OneDeviceStrategy",
           "ReduceOp", "MirroredStrategy", "Strategy", "StrategyExtended", "DistributedValues",
           "TPUStrategy", "cluster_resolver", "experimental", "CrossDeviceOps", "NcclAllReduce",
           "HierarchicalCopyAllReduce", "ReductionToOneDevice"]


def __dir__():
    """TF's names only (the implementation modules stay importable, unlisted)."""
    return sorted(__all__)
