"""A compiled `strategy.run` over per-replica values of DIFFERENT shapes (a short last batch).

One SPMD program (spmd_run.py) needs every replica to see the same shapes. When
a global batch does not split evenly (TF gives each replica ceil(batch /
replicas) rows, so the last ones get fewer or none), the replicas are traced one
after another into the enclosing tf.function instead, each with its own static
shapes; XLA still compiles one program.

The replicas must meet at their synchronization points (all_reduce,
all_gather, merge_call), but a trace runs one Python function at a time. So the
replicas are run in *rounds*: in round k every replica runs from the start with
the results of the first k synchronization points known and stops (`_Pause`)
at point k+1, handing in its value; the point's result is then computed once
(a sum of the traced values; `merge_fn` runs ONCE in cross-replica context with
PerReplica arguments) and the next round starts. Each replica starts from the
variables' values before the run, and passing a merge point re-applies the
variable values `merge_fn` left (so no replica sees another's updates early).
Work of the unfinished rounds is dead code that XLA removes; Python side
effects in the replica function repeat once per round.

>>> import tapeflow as tf
>>> s = tf.distribute.MirroredStrategy(["/cpu:0"])
>>> ctx = tf.distribute.get_replica_context
>>> step = lambda: ctx().all_reduce("SUM", tf.constant(2.0))
>>> float(tf.function(lambda: run_unrolled(s, step, (), {}))())
2.0
"""
from .. import nest
from ..framework.replica_state import STACK
from ..framework.variables import PLACEMENT
from .context import ReplicaContext, _group_arg, _in_cross_replica
from .reduce_op import as_reduce_op, reduce_values
from .values import DistributedValues, regroup, select_replica
from ..ops.array_ops import concat

__all__ = ["run_unrolled", "is_uneven"]


def is_uneven(leaves):
    """True when some per-replica value's components differ in shape."""
    for leaf in leaves:
        if isinstance(leaf, DistributedValues) and not hasattr(leaf, "_global"):
            shapes = {tuple(getattr(v, "shape", ())) for v in leaf.values}
            if len(shapes) > 1:
                return True
    return False


class _Pause(BaseException):
    """A replica reached a synchronization point whose result is not known yet."""


class _Rounds:
    """The synchronization points resolved so far and the values handed in this round."""

    def __init__(self, strategy, n):
        self.strategy, self.n = strategy, n
        self.points = []  # (kind, result, variable snapshot or None)
        self.pending = {}  # replica id -> (kind, details, payload)

    def meet(self, replica, index, kind, details, payload):
        if index < len(self.points):
            known_kind, result, snapshot = self.points[index]
            if known_kind != kind:
                raise RuntimeError(_mismatch(f"{known_kind} and {kind}"))
            for v, value in snapshot or ():
                v._swap_value(value)
            return result
        self.pending[replica] = (kind, details, payload)
        raise _Pause()

    def resolve(self):
        """Computes the pending synchronization point once, for every replica."""
        kinds = {p[0] for p in self.pending.values()}
        if len(self.pending) != self.n or len(kinds) != 1:
            raise RuntimeError(_mismatch(f"{sorted(kinds)} with {len(self.pending)} of "
                                         f"{self.n} replicas"))
        kind = kinds.pop()
        entries = [self.pending[i] for i in range(self.n)]
        payloads = [e[2] for e in entries]
        snapshot = None
        if kind == "all_reduce":
            result = reduce_values(entries[0][1], payloads)
        elif kind == "all_gather":
            axis = entries[0][1]
            result = nest.map_structure(lambda *vs: concat(list(vs), axis), *payloads)
        else:  # merge_call: merge_fn of the first replica, once, with PerReplica arguments
            merge_fn = entries[0][1]
            args = tuple(_group_arg([p[0][j] for p in payloads])
                         for j in range(len(payloads[0][0])))
            kwargs = {k: _group_arg([p[1][k] for p in payloads]) for k in payloads[0][1]}
            result = _in_cross_replica(self.strategy, merge_fn, args, kwargs)
            snapshot = [(v, v._value) for v in self.strategy._live_variables()]
        self.points.append((kind, result, snapshot))
        self.pending.clear()


def _mismatch(what):
    return ("The replicas of strategy.run reached different synchronization points "
            f"(all_reduce / all_gather / merge_call): {what}. Every replica must call "
            "them in the same order.")


class UnrolledReplicaContext(ReplicaContext):
    """A replica's context in an unrolled compiled run: sync points go through `_Rounds`."""

    def __init__(self, strategy, replica_id, rounds):
        super().__init__(strategy, replica_id)
        self._rounds = rounds
        self._index = 0

    def _meet(self, kind, details, payload):
        self._index += 1
        return self._rounds.meet(self._replica_id, self._index - 1, kind, details, payload)

    def all_reduce(self, reduce_op, value, options=None):
        return self._meet("all_reduce", as_reduce_op(reduce_op), value)

    def all_gather(self, value, axis, options=None):
        return self._meet("all_gather", axis, value)

    def merge_call(self, merge_fn, args=(), kwargs=None):
        return self._meet("merge_call", merge_fn, (tuple(args), dict(kwargs or {})))


def run_unrolled(strategy, fn, args, kwargs):
    """Traces fn once per replica (own shapes), in rounds; PerReplica results."""
    n = strategy.num_replicas_in_sync
    variables = strategy._live_variables()
    for v in variables:
        v.value()  # the enclosing trace stages every strategy variable first
    before = [v._value for v in variables]
    rounds = _Rounds(strategy, n)
    while True:
        outputs = [None] * n
        # last replica first: the variables end as replica 0 (the fullest slice) leaves them,
        # as a one-program run's replicated writes read from the first device
        for i in reversed(range(n)):
            for v, value in zip(variables, before):  # each replica starts from the same state
                v._swap_value(value)
            saved = STACK.replica, STACK.strategies
            STACK.replica = UnrolledReplicaContext(strategy, i, rounds)
            STACK.strategies = [strategy]
            try:
                with PLACEMENT.using(strategy._place_variable):
                    outputs[i] = fn(*select_replica(i, args), **select_replica(i, kwargs))
            except _Pause:
                pass
            finally:
                STACK.replica, STACK.strategies = saved
        if not rounds.pending:
            return regroup(outputs)
        rounds.resolve()
