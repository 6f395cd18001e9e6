"""`tf.distribute.ReduceOp` and the cross-replica reductions over per-replica values.

>>> import tapeflow as tf
>>> tf.distribute.ReduceOp.SUM.value
'SUM'
"""
import enum

import jax.numpy as jnp

from .. import nest
from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["ReduceOp", "reduce_values"]


class ReduceOp(enum.Enum):
    """How values from the replicas are combined: `SUM` or `MEAN`."""
    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        name = {1: "SUM", 2: "MEAN"}.get(aggregation)
        if name is None:
            raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} "
                             "to `tf.distribute.ReduceOp` type")
        return ReduceOp[name]


def as_reduce_op(op):
    """ReduceOp from a ReduceOp or its name ('sum', 'MEAN')."""
    if isinstance(op, ReduceOp):
        return op
    try:
        return ReduceOp[str(op).upper()]
    except KeyError:
        raise ValueError(f"`reduce_op` must be tf.distribute.ReduceOp.SUM or MEAN. "
                         f"Received: reduce_op={op!r}") from None


def reduce_values(op, values):
    """Elementwise SUM/MEAN of same-structured replica values (nests of tensors)."""
    op = as_reduce_op(op)

    def combine(*leaves):
        arrays = [convert_to_tensor(v)._value for v in leaves]
        total = arrays[0]
        for a in arrays[1:]:
            total = total + a
        if op is ReduceOp.MEAN:
            total = total / jnp.asarray(len(arrays), total.dtype)
        return Tensor._from_host(total)
    return nest.map_structure(combine, *values)
