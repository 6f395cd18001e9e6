"""`tf.distribute.DistributedValues`: one value per replica (PerReplica) or one mirrored value.

>>> import tapeflow as tf
>>> v = PerReplica([tf.constant(1.0), tf.constant(2.0)])
>>> [float(t) for t in v.values]
[1.0, 2.0]
"""
from .. import nest

__all__ = ["DistributedValues", "PerReplica", "Mirrored", "select_replica", "regroup"]


class DistributedValues:
    """Holds one component per replica (`tf.distribute.DistributedValues`)."""

    def __init__(self, values):
        self._values = tuple(values)

    @property
    def values(self):
        """The per-replica components, in replica order."""
        return self._values

    def __len__(self):
        return len(self._values)

    def _to_components(self):  # a composite for tf.function: each component is traced
        return self._values

    def _with_components(self, components):
        return type(self)(components)

    def __repr__(self):
        body = ",\n".join(f"  {i}: {v!r}" for i, v in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{body}\n}}"


class PerReplica(DistributedValues):
    """Values that differ between replicas (inputs and results of `strategy.run`)."""


class Mirrored(DistributedValues):
    """Values that are the same on every replica."""


def select_replica(i, structure):
    """The i-th replica's view of `structure`: DistributedValues -> their i-th component."""
    def pick(v):
        return v.values[i] if isinstance(v, DistributedValues) else v
    return nest.map_structure(pick, structure)


def regroup(per_replica):
    """[structure per replica] -> one structure of PerReplica leaves (one replica: as is)."""
    if len(per_replica) == 1:
        return per_replica[0]
    first = per_replica[0]
    if first is None:
        return None
    if isinstance(first, (list, tuple, dict)) and not hasattr(first, "_fields"):
        return nest.map_structure(lambda *vs: PerReplica(vs), *per_replica)
    return PerReplica(per_replica)
