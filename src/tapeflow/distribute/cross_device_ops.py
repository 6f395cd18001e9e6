"""`tf.distribute.CrossDeviceOps`: how a MirroredStrategy combines per-replica values.

Every implementation runs on JAX: `NcclAllReduce` and `HierarchicalCopyAllReduce`
put the replicas' values on their devices as one array sharded over a one-axis
mesh and all-reduce it with ONE jitted `jax.lax.psum` (XLA's all-reduce; on
GPUs XLA lowers it to NCCL, on CPU to its host collective — the algorithm
names of TF only choose between XLA lowerings, so both classes behave the
same). `batch_reduce` packs the tensors of one dtype into `num_packs`
flat buffers, one all-reduce each. `ReductionToOneDevice` copies every value
to one device, combines them there with `accumulation_fn` (default
`tf.math.add_n`) and copies the result to the destinations.

A strategy uses its ops object for `strategy.reduce` and for
`ReplicaContext.all_reduce` in eagerly run replicas; inside a compiled
`strategy.run` (one shard_map program) all implementations lower to XLA's
all-reduce, except that a custom `accumulation_fn` is honoured there too
(all-gather, then the function on every replica).

>>> import tapeflow as tf
>>> from tapeflow.distribute.values import PerReplica
>>> ops = tf.distribute.ReductionToOneDevice()
>>> v = PerReplica([tf.constant(1.0), tf.constant(2.0)])
>>> float(ops.reduce(tf.distribute.ReduceOp.SUM, v, destinations="/cpu:0"))
3.0
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from ..framework.tensor import Tensor, convert_to_tensor
from .devices import resolve_devices
from .reduce_op import ReduceOp, as_reduce_op
from .values import DistributedValues, Mirrored

__all__ = ["CrossDeviceOps", "ReductionToOneDevice", "AllReduceCrossDeviceOps",
           "NcclAllReduce", "HierarchicalCopyAllReduce", "default_cross_device_ops"]


def _array(v):
    return convert_to_tensor(v)._value


def _resolve(device):
    return resolve_devices([device])[0]


def _layouts(destinations):
    """destinations -> list of placements (jax Device or Sharding), or None (keep as is)."""
    if destinations is None:
        return None
    if isinstance(destinations, DistributedValues):
        return [_layout_of(_array(v)) for v in destinations.values]
    if isinstance(destinations, (str, jax.Device)):
        return [_resolve(destinations) if isinstance(destinations, str) else destinations]
    if isinstance(destinations, (list, tuple)):
        return [_resolve(d) if isinstance(d, str) else d for d in destinations]
    value = destinations.value() if hasattr(destinations, "assign") else destinations
    return [_layout_of(_array(value))]


def _layout_of(array):
    """Where a destination value lives (None: uncommitted, JAX may move it freely)."""
    return array.sharding if getattr(array, "committed", False) else None


def _place(array, layouts):
    """The reduced array copied to each destination: a Tensor (one) or Mirrored (several)."""
    if layouts is None:
        return Tensor._from_host(array)
    out = [Tensor._from_host(array if p is None else jax.device_put(array, p)) for p in layouts]
    return out[0] if len(out) == 1 else Mirrored(out)


def _as_per_replica(value):
    if isinstance(value, DistributedValues):
        return list(value.values)
    return [value]


class CrossDeviceOps:
    """Base class: `reduce`, `batch_reduce`, `broadcast` over per-replica values.

    Subclasses implement `reduce_implementation` (and may override
    `batch_reduce_implementation`, which by default reduces each pair).
    """

    def reduce(self, reduce_op, per_replica_value, destinations, options=None):
        """`per_replica_value`'s components combined by `reduce_op` (SUM or MEAN),
        copied to `destinations` (a device string, a variable/tensor or a
        DistributedValues): a Tensor for one destination, else a Mirrored."""
        op = as_reduce_op(reduce_op)
        return self.reduce_implementation(op, per_replica_value, destinations, options)

    def batch_reduce(self, reduce_op, value_destination_pairs, options=None):
        """`reduce` of each `(per_replica_value, destinations)` pair, as a list."""
        op = as_reduce_op(reduce_op)
        pairs = list(value_destination_pairs)
        for pair in pairs:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                raise ValueError("`value_destination_pairs` must be a list of "
                                 f"(value, destinations) pairs. Received: {pair!r}")
        return self.batch_reduce_implementation(op, pairs, options)

    def broadcast(self, tensor, destinations):
        """`tensor` copied to each of `destinations`."""
        return _place(_array(tensor), _layouts(destinations))

    def reduce_implementation(self, reduce_op, per_replica_value, destinations, options):
        raise NotImplementedError(f"{type(self).__name__} must implement reduce_implementation")

    def batch_reduce_implementation(self, reduce_op, value_destination_pairs, options):
        return [self.reduce_implementation(reduce_op, v, d, options)
                for v, d in value_destination_pairs]


class ReductionToOneDevice(CrossDeviceOps):
    """Copies the values to `reduce_to_device`, combines them with `accumulation_fn`
    (a function of a list of tensors; default `tf.math.add_n`), copies the result out.

    >>> import tapeflow as tf
    >>> from tapeflow.distribute.values import PerReplica
    >>> ops = tf.distribute.ReductionToOneDevice(accumulation_fn=tf.math.add_n)
    >>> float(ops.reduce("MEAN", PerReplica([tf.constant(1.0), tf.constant(3.0)]), "/cpu:0"))
    2.0
    """

    def __init__(self, reduce_to_device=None, accumulation_fn=None):
        self.reduce_to_device = reduce_to_device
        self.accumulation_fn = accumulation_fn

    def _accumulate(self, tensors):
        if self.accumulation_fn is None:
            total = tensors[0]._value
            for t in tensors[1:]:
                total = total + t._value
            return Tensor._from_host(total)
        return convert_to_tensor(self.accumulation_fn(list(tensors)))

    def reduce_implementation(self, reduce_op, per_replica_value, destinations, options):
        parts = _as_per_replica(per_replica_value)
        layouts = _layouts(destinations)
        target = self.reduce_to_device
        if target is None and layouts:
            target = layouts[0]
        target = _resolve(target) if isinstance(target, str) else target
        moved = [Tensor._from_host(_array(p) if target is None else
                                   jax.device_put(_array(p), target)) for p in parts]
        total = self._accumulate(moved)._value
        if reduce_op is ReduceOp.MEAN:
            total = total / jnp.asarray(len(parts), total.dtype)
        return _place(total, layouts)


@functools.lru_cache(maxsize=64)
def _all_reduce_fn(devices, mean):
    """One jitted shard_map all-reduce over a mesh of `devices` (cached per mesh)."""
    mesh = Mesh(np.array(devices), ("replica",))
    op = jax.lax.pmean if mean else jax.lax.psum
    fn = jax.shard_map(lambda x: op(x, "replica"), mesh=mesh, in_specs=P("replica"),
                       out_specs=P(), check_vma=False)
    return jax.jit(fn), NamedSharding(mesh, P("replica"))


def _replica_devices(arrays):
    """One distinct device per replica: the components' own ones when they are distinct
    single-device arrays, else the first local devices."""
    own = []
    for a in arrays:
        ds = a.devices() if hasattr(a, "devices") else set()
        own.append(next(iter(ds)) if len(ds) == 1 else None)
    if None not in own and len(set(own)) == len(own):
        return tuple(own)
    local = jax.local_devices()
    return tuple(local[:len(arrays)]) if len(arrays) <= len(local) else None


def all_reduce_arrays(arrays, mean):
    """The SUM/MEAN of same-shaped arrays with one XLA all-reduce over their devices."""
    if len(arrays) == 1:
        return arrays[0]
    devices = _replica_devices(arrays)
    if devices is None:  # more replicas than devices: combine on the default device
        total = sum(arrays[1:], arrays[0])
        return total / jnp.asarray(len(arrays), total.dtype) if mean else total
    fn, sharding = _all_reduce_fn(devices, mean)
    shards = [jax.device_put(jnp.expand_dims(a, 0), d) for a, d in zip(arrays, devices)]
    stacked = jax.make_array_from_single_device_arrays(
        (len(arrays),) + tuple(arrays[0].shape), sharding, shards)
    return fn(stacked)[0]


class AllReduceCrossDeviceOps(CrossDeviceOps):
    """All-reduce with XLA's collective; `num_packs` flat buffers per batch_reduce."""

    def __init__(self, all_reduce_alg="nccl", num_packs=1):
        if int(num_packs) < 0:
            raise ValueError(f"num_packs must be >= 0. Received: num_packs={num_packs}")
        self._all_reduce_alg = all_reduce_alg
        self._num_packs = int(num_packs)

    def reduce_implementation(self, reduce_op, per_replica_value, destinations, options):
        arrays = [_array(p) for p in _as_per_replica(per_replica_value)]
        return _place(all_reduce_arrays(arrays, reduce_op is ReduceOp.MEAN),
                      _layouts(destinations))

    def batch_reduce_implementation(self, reduce_op, value_destination_pairs, options):
        parts = [[_array(p) for p in _as_per_replica(v)] for v, _ in value_destination_pairs]
        counts = {len(p) for p in parts}
        if self._num_packs == 0 or len(counts) != 1 or len(parts) < 2:
            return super().batch_reduce_implementation(reduce_op, value_destination_pairs,
                                                       options)
        mean, n = reduce_op is ReduceOp.MEAN, counts.pop()
        reduced = [None] * len(parts)
        by_dtype = {}
        for k, p in enumerate(parts):
            by_dtype.setdefault(p[0].dtype, []).append(k)
        for keys in by_dtype.values():
            for pack in np.array_split(np.asarray(keys), min(self._num_packs, len(keys))):
                flat = [jnp.concatenate([parts[k][r].reshape(-1) for k in pack])
                        for r in range(n)]
                total = all_reduce_arrays(flat, mean)
                offset = 0
                for k in pack:
                    size = int(np.prod(parts[k][0].shape))
                    reduced[k] = total[offset:offset + size].reshape(parts[k][0].shape)
                    offset += size
        return [_place(r, _layouts(d)) for r, (_, d) in zip(reduced, value_destination_pairs)]


class NcclAllReduce(AllReduceCrossDeviceOps):
    """`tf.distribute.NcclAllReduce(num_packs=1)`: XLA's all-reduce (NCCL on GPUs).

    >>> import tapeflow as tf
    >>> from tapeflow.distribute.values import PerReplica
    >>> ops = tf.distribute.NcclAllReduce()
    >>> float(ops.reduce("SUM", PerReplica([tf.constant(1.0)]), destinations="/cpu:0"))
    1.0
    """

    def __init__(self, num_packs=1):
        super().__init__("nccl", num_packs)


class HierarchicalCopyAllReduce(AllReduceCrossDeviceOps):
    """`tf.distribute.HierarchicalCopyAllReduce(num_packs=1)`: XLA's all-reduce.

    >>> import tapeflow as tf
    >>> from tapeflow.distribute.values import PerReplica
    >>> ops = tf.distribute.HierarchicalCopyAllReduce(num_packs=2)
    >>> [float(t) for t in ops.batch_reduce("MEAN", [(PerReplica([tf.constant(4.0)]), "/cpu:0")])]
    [4.0]
    """

    def __init__(self, num_packs=1):
        super().__init__("hierarchical_copy", num_packs)


def default_cross_device_ops(devices):
    """TF's choice: NCCL all-reduce when every device is a GPU, else reduce to one device."""
    if devices and all(d.platform == "gpu" for d in devices):
        return NcclAllReduce()
    return ReductionToOneDevice()
