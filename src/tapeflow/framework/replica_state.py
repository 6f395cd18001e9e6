"""Per-thread distribution state that ops need: the strategy stack and the current replica.

tf.distribute (above ops in the floor order) pushes and pops it; ops such
as `tf.nn.compute_average_loss` read the replica count from here.

>>> replicas_in_sync()
1
"""
import threading

__all__ = ["STACK", "replicas_in_sync"]


class _Stack(threading.local):
    def __init__(self):
        self.strategies = []  # strategies whose scope() is entered, innermost last
        self.replica = None  # the ReplicaContext of the replica this thread runs


STACK = _Stack()


def replicas_in_sync():
    """The current replica context's `num_replicas_in_sync` (1 outside strategy.run)."""
    return STACK.replica.num_replicas_in_sync if STACK.replica is not None else 1
