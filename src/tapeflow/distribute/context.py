"""Which strategy is current: the per-thread strategy stack and the replica contexts.

Outside any `strategy.scope()` the *default strategy* (one replica, the
default device) is current and the code is in its replica context, as in TF.
Inside `scope()` the code is in cross-replica context; inside `strategy.run`
each replica function runs in that replica's `ReplicaContext`.

>>> import tapeflow as tf
>>> tf.distribute.has_strategy(), tf.distribute.get_replica_context() is not None
(False, True)
"""
import threading

from .. import nest
from ..framework.replica_state import STACK
from ..framework.tensor import constant
from .reduce_op import as_reduce_op, reduce_values
from .values import PerReplica

__all__ = ["get_strategy", "has_strategy", "in_cross_replica_context", "get_replica_context",
           "get_cross_replica_context", "ReplicaContext", "STACK"]


_DEFAULT = []
# The class of the default strategy: one_device.DefaultStrategy registers itself here
# (distribute/__init__ imports it), since strategies are built on this module.
DEFAULT_STRATEGY_CLASS = []


def _default_strategy():
    if not _DEFAULT:
        _DEFAULT.append(DEFAULT_STRATEGY_CLASS[0]())
    return _DEFAULT[0]


def get_strategy():
    """The current `tf.distribute.Strategy` (the default strategy outside any scope)."""
    if STACK.replica is not None:
        return STACK.replica.strategy
    return STACK.strategies[-1] if STACK.strategies else _default_strategy()


def has_strategy():
    """True inside a non-default strategy's scope (or one of its replica functions)."""
    return STACK.replica is not None or bool(STACK.strategies)


def in_cross_replica_context():
    """True inside `strategy.scope()` but outside `strategy.run`."""
    return STACK.replica is None and bool(STACK.strategies)


def get_replica_context():
    """The current ReplicaContext, or None in cross-replica context."""
    if STACK.replica is not None:
        return STACK.replica
    if STACK.strategies:
        return None
    return ReplicaContext(_default_strategy(), 0)


def get_cross_replica_context():
    """The current strategy in cross-replica context, else None."""
    return STACK.strategies[-1] if in_cross_replica_context() else None


class ReplicaContext:
    """The context of one replica inside `strategy.run` (`tf.distribute.ReplicaContext`).

    `all_reduce` and `merge_call` are synchronization points: every replica
    must reach them, in the same order.

    >>> import tapeflow as tf
    >>> ctx = tf.distribute.get_replica_context()
    >>> int(ctx.replica_id_in_sync_group), ctx.num_replicas_in_sync
    (0, 1)
    """

    def __init__(self, strategy, replica_id_in_sync_group, group=None, slot=None):
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group
        self._group = group
        # this replica's place among the replicas of this process (its thread's slot)
        self._slot = replica_id_in_sync_group if slot is None else slot

    @property
    def strategy(self):
        return self._strategy

    @property
    def num_replicas_in_sync(self):
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        return constant(self._replica_id)

    @property
    def devices(self):
        return (self._strategy.extended.worker_devices[self._replica_id],)

    def all_reduce(self, reduce_op, value, options=None):
        """`value` (a nest of tensors) reduced over all replicas; every replica gets it."""
        op = as_reduce_op(reduce_op)
        if self._group is None:
            return nest.map_structure(lambda v: reduce_values(op, [v]), value)
        # one batch_reduce through the strategy's cross_device_ops, for all replicas
        results = self._group.collective(
            self._slot, value, lambda slots: self._strategy._batch_all_reduce(op, slots))
        return results[self._slot]

    def all_gather(self, value, axis, options=None):
        """Every replica's `value` concatenated along `axis`."""
        if self._group is None:
            return value
        return self._group.collective(
            self._slot, value, lambda slots: self._strategy._all_gather_replicas(slots, axis))

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """Runs `merge_fn(strategy, *args)` once in cross-replica context (args as PerReplica)."""
        kwargs = kwargs or {}
        if self._group is None:
            return _in_cross_replica(self._strategy, merge_fn, args, kwargs)
        return self._group.merge(self._slot, merge_fn, args, kwargs)


def _in_cross_replica(strategy, fn, args, kwargs):
    saved = STACK.replica
    STACK.replica = None
    STACK.strategies.append(strategy)
    try:
        return fn(strategy, *args, **kwargs)
    finally:
        STACK.strategies.pop()
        STACK.replica = saved


class ReplicaGroup:
    """The replicas of one `strategy.run`: one thread each, one running at a time.

    A lock makes the replicas take turns (tapeflow's eager state and variable
    updates are not meant for concurrent writers); a replica hands the turn on
    only at a synchronization point (all_reduce / merge_call), where a barrier
    waits for all of them.
    """

    def __init__(self, strategy, n):
        self.strategy = strategy
        self.n = n
        self.turn = threading.Lock()
        self.barrier = threading.Barrier(n)
        self.slots = [None] * n
        self.result = None

    def _sync(self):
        self.turn.release()
        try:
            self.barrier.wait()
        finally:
            self.turn.acquire()

    def collective(self, i, value, compute):
        """Every replica hands in `value`; `compute(values)` runs once; all get its result."""
        self.slots[i] = value
        self._sync()
        if i == 0:
            self.result = compute(list(self.slots))
        self._sync()
        return self.result

    def merge(self, i, merge_fn, args, kwargs):
        self.slots[i] = (args, kwargs)
        self._sync()
        if i == 0:
            per = [s for s in self.slots]
            margs = tuple(_group_arg([p[0][j] for p in per]) for j in range(len(args)))
            mkw = {k: _group_arg([p[1][k] for p in per]) for k in kwargs}
            self.result = _in_cross_replica(self.strategy, merge_fn, margs, mkw)
        self._sync()
        return self.result


def _group_arg(values):
    first = values[0]
    if all(v is first for v in values):
        return first
    if isinstance(first, (list, tuple, dict)):
        return nest.map_structure(lambda *vs: PerReplica(vs), *values)
    return PerReplica(values)
