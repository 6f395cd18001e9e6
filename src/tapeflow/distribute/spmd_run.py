"""`strategy.run` inside a tapeflow.function: the replicas as ONE SPMD program (jax.shard_map).

Per-replica inputs (PerReplica components, equal shapes; uneven ones, a short
last batch, go to unrolled_run.py) are concatenated
along axis 0 and handed to `jax.shard_map` with `P('batch')`, so each
replica sees its own component; the strategy's variables enter replicated
(`P()`). Inside, `ReplicaContext.all_reduce` is `jax.lax.psum`/`pmean`,
`replica_id_in_sync_group` is `jax.lax.axis_index('batch')`, and
`merge_call` traces its function once in cross-replica context, with
per-replica tensor arguments all-gathered into a PerReplica (so the merged
computation is the same on every device, e.g. the all-reduced gradients a
Keras optimizer applies). Variable
writes leave the program as outputs (replicated) and are written back to the
variables of the enclosing trace.

>>> import tapeflow as tf
>>> s = tf.distribute.MirroredStrategy(["/cpu:0"])
>>> float(tf.function(lambda: s.run(lambda: tf.constant(2.0)))())
2.0
"""
import jax
import jax.numpy as jnp
from jax.sharding import PartitionSpec as P

from .. import nest
from ..framework.jax_compat import eager_constant_folding
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import PLACEMENT
from .context import ReplicaContext, STACK, _in_cross_replica
from .unrolled_run import is_uneven, run_unrolled
from .values import DistributedValues, PerReplica
from .reduce_op import ReduceOp, as_reduce_op

__all__ = ["run_spmd", "SpmdReplicaContext"]


class SpmdReplicaContext(ReplicaContext):
    """The replica context inside the shard_map of a compiled `strategy.run`."""

    # collectives are staged even under the trace's compile-time evaluation
    @property
    def replica_id_in_sync_group(self):
        with eager_constant_folding(False):
            return Tensor._from_host(jax.lax.axis_index("batch"))

    def __init__(self, strategy, replica_id_in_sync_group, group=None):
        super().__init__(strategy, replica_id_in_sync_group, group)
        self._invariant = {}  # id -> Tensor: results of collectives (same on every replica)

    def _mark(self, t):
        self._invariant[id(t)] = t
        return t

    def all_reduce(self, reduce_op, value, options=None):
        mean = as_reduce_op(reduce_op) is ReduceOp.MEAN
        op = jax.lax.pmean if mean else jax.lax.psum
        accumulate = getattr(self._strategy._reduce_ops(), "accumulation_fn", None)

        def one(v):
            x = convert_to_tensor(v)._value
            with eager_constant_folding(False):
                if accumulate is None:
                    return self._mark(Tensor._from_host(op(x, "batch")))
                # ReductionToOneDevice(accumulation_fn=f): f over every replica's value
                stacked = jax.lax.all_gather(x, "batch")
            n = self.num_replicas_in_sync
            total = convert_to_tensor(accumulate([Tensor._from_host(stacked[i])
                                                  for i in range(n)]))._value
            return self._mark(Tensor._from_host(total / n if mean else total))
        return nest.map_structure(one, value)

    def all_gather(self, value, axis, options=None):
        def one(v):
            with eager_constant_folding(False):
                return self._mark(Tensor._from_host(jax.lax.all_gather(
                    convert_to_tensor(v)._value, "batch", axis=axis, tiled=True)))
        return nest.map_structure(one, value)

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """`merge_fn(strategy, *args)` in cross-replica context, traced ONCE.

        Tensor arguments that differ between replicas reach `merge_fn` as a PerReplica
        of every replica's value (an all-gather), so what `merge_fn` computes is the
        same on every replica; results of all_reduce/all_gather (already the same
        everywhere) and non-tensors are passed as they are. In the one SPMD program
        each device then evaluates `merge_fn`'s (replica-invariant) computation.
        """
        n = self.num_replicas_in_sync

        def per_replica(v):
            if not isinstance(v, Tensor) or id(v) in self._invariant or hasattr(v, "assign"):
                return v
            with eager_constant_folding(False):
                stacked = jax.lax.all_gather(v._value, "batch")
            return PerReplica([Tensor._from_host(stacked[i]) for i in range(n)])
        args, kwargs = nest.map_structure(per_replica, (tuple(args), dict(kwargs or {})))
        return _in_cross_replica(self._strategy, merge_fn, args, kwargs)


def _global(leaf):
    """A PerReplica -> its components concatenated on axis 0 (P('batch')); else replicated."""
    if hasattr(leaf, "_global"):  # multi-process: already one global array
        return leaf._global._value, P("batch")
    if isinstance(leaf, DistributedValues):
        parts = [convert_to_tensor(v)._value for v in leaf.values]
        shapes = {tuple(p.shape) for p in parts}
        if len(shapes) != 1 or not parts[0].ndim:
            raise ValueError("strategy.run inside tf.function needs per-replica values of one "
                             f"shape with a batch axis (split evenly). Received shapes: "
                             f"{[tuple(p.shape) for p in parts]}")
        return jnp.concatenate(parts, axis=0), P("batch")
    if isinstance(leaf, (Tensor,)) or hasattr(leaf, "_as_tensor") and not hasattr(leaf, "assign"):
        return convert_to_tensor(leaf)._value, P()
    return None, None


def run_spmd(strategy, fn, args, kwargs):
    """Runs fn per replica as one shard_map over the strategy's mesh; PerReplica results."""
    n = strategy.num_replicas_in_sync
    leaves = nest.flatten((args, kwargs))
    if getattr(strategy, "_num_workers", 1) > 1 and any(
            isinstance(v, DistributedValues) and not hasattr(v, "_global") and len(v.values) != n
            for v in leaves):
        raise ValueError("strategy.run inside tf.function across processes needs per-replica "
                         f"values of all {n} replicas (a global array split over them, or "
                         "an uneven batch from experimental_distribute_dataset); this one "
                         "holds only this process's replicas' values (e.g. uneven batches of "
                         "distribute_datasets_from_function): batch with drop_remainder=True, "
                         "or run this step eagerly (strategy.run outside tf.function)")
    if is_uneven(leaves):  # a short last batch: the replicas traced one by one
        return run_unrolled(strategy, fn, args, kwargs)
    placed = [_global(v) for v in leaves]
    arrays = [a for a, _ in placed if a is not None]
    specs = [s for a, s in placed if a is not None]
    variables = strategy._live_variables()
    for v in variables:
        v.value()  # stage every strategy variable in the enclosing trace first
    before = [v._value for v in variables]
    created, changed = [], []

    def body(var_vals, in_vals):
        it = iter(in_vals)
        local = [Tensor._from_host(next(it)) if a is not None else v
                 for v, (a, _) in zip(leaves, placed)]
        largs, lkwargs = nest.pack_sequence_as((args, kwargs), local)
        for v, val in zip(variables, var_vals):
            v._swap_value(val)
        saved = STACK.replica, STACK.strategies
        STACK.replica, STACK.strategies = SpmdReplicaContext(strategy, 0), [strategy]
        known = set(map(id, variables))
        try:
            with PLACEMENT.using(strategy._place_variable):  # e.g. optimizer slots
                result = fn(*largs, **lkwargs)
        finally:
            STACK.replica, STACK.strategies = saved
        created.extend(v for v in strategy._live_variables() if id(v) not in known)
        outs = [jnp.expand_dims(convert_to_tensor(r)._value, 0) for r in nest.flatten(result)]
        changed.extend(i for i, (v, val) in enumerate(zip(variables, var_vals))
                       if v._value is not val)
        finals = [variables[i]._value for i in changed] + [v._value for v in created]
        for v, val in zip(variables, before):
            v._swap_value(val)
        return outs, finals, result

    template = {}

    def traced(var_vals, in_vals):
        outs, finals, result = body(var_vals, in_vals)
        template["result"] = result
        return outs, finals
    mapped = jax.shard_map(traced, mesh=strategy.mesh, in_specs=(P(), tuple(specs)),
                           out_specs=(P("batch"), P()), check_vma=False)
    outs, finals = mapped(list(before), tuple(arrays))
    for i, new in zip(changed, finals):
        variables[i].assign(Tensor._from_host(new))  # the enclosing trace sees the write
    for v, new in zip(created, finals[len(changed):]):
        v._swap_value(new)
    per_replica = [PerReplica([Tensor._from_host(o[i]) for i in range(n)]) for o in outs]
    return nest.pack_sequence_as(template["result"], per_replica)
