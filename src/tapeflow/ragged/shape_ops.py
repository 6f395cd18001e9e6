"""Ops that take or return a DynamicRaggedShape: tf.shape, ones, zeros, fill, reshape,
broadcast_to.

Values are built or moved with tapeflow ops (`gather_nd`, `broadcast_to`,
`reshape`) on the flat values, so gradients flow back through them; the row
partitions come from the (known) row splits.

>>> import tapeflow as tf
>>> tf.ones(tf.shape(tf.ragged.constant([[1, 2], [3]])), tf.int32).to_list()
[[1, 1], [1]]
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from .dynamic_ragged_shape import DynamicRaggedShape
from .ragged_tensor import RaggedTensor
from .row_partition import concrete
from ..ops import array_ops, gather_ops

__all__ = ["shape", "ones", "zeros", "fill", "reshape", "broadcast_to", "SHAPE_OPS"]


def _ops():
    return array_ops, gather_ops


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's argument name
    """`tf.shape` of a RaggedTensor: a DynamicRaggedShape with `out_type` lengths."""
    return DynamicRaggedShape.from_tensor(input).with_dtype(out_type)


def wrap(flat_values, shape):
    """A RaggedTensor with `shape`'s row partitions over `flat_values` (a dense Tensor)."""
    result = flat_values
    for rp in reversed(shape.row_partitions):
        if rp.is_uniform():
            result = RaggedTensor(result, rp.row_splits(), rp.uniform_row_length(),
                                  internal=True)
        else:
            result = RaggedTensor(result, rp.row_splits(), internal=True)
    return result


def _inner(shape):
    return [int(d) for d in concrete(shape.inner_shape, "DynamicRaggedShape")]


def _filled(shape, make):
    values = make(_inner(shape))
    return wrap(values, shape) if shape.num_row_partitions else values


def ones(shape, dtype=dtypes.float32, name=None):
    A, _ = _ops()
    return _filled(shape, lambda dims: A.ones(dims, dtype))


def zeros(shape, dtype=dtypes.float32, name=None):
    A, _ = _ops()
    return _filled(shape, lambda dims: A.zeros(dims, dtype))


def fill(dims, value, name=None):
    A, _ = _ops()
    v = convert_to_tensor(value)
    if v.dtype == dtypes.string:  # strings live on the host, outside jax
        return _filled(dims, lambda d: Tensor(np.full(d, v.numpy(), object)))
    return _filled(dims, lambda d: A.fill(d, v))


def reshape(tensor, shape, name=None):
    """Row-major reshape between dense and ragged shapes (the flat values keep their order)."""
    A, _ = _ops()
    flat = tensor.flat_values if isinstance(tensor, RaggedTensor) else convert_to_tensor(tensor)
    if not isinstance(shape, DynamicRaggedShape):
        return A.reshape(flat, shape)
    dims = _inner(shape)
    n, want = int(np.prod(flat.shape.as_list())), int(np.prod(dims))
    if n != want:
        raise invalid_argument(f"Input to reshape has {n} values, but the requested shape "
                               f"{shape!r} has {want}", "Reshape")
    values = A.reshape(flat, dims)
    return wrap(values, shape) if shape.num_row_partitions else values


def _positions(shape):
    """(pos, offset) per partitioned dimension for every flat value of `shape`.

    pos[j][k]: which item of dimension j flat value k lies in (j = 0: its row);
    offset[j][k]: that item's index inside its parent row (offset[0] = pos[0]).
    """
    rps = shape.row_partitions
    n = _inner(shape)[0]
    pos = [np.arange(n)]
    offset = []
    for rp in reversed(rps):
        s = concrete(rp.row_splits(), "broadcast_to").astype(np.int64)
        rowids = np.repeat(np.arange(len(s) - 1), np.diff(s))
        child = pos[0]
        parent = rowids[child]
        offset.insert(0, child - s[parent])
        pos.insert(0, parent)
    offset.insert(0, pos[0])
    return pos, offset


def _lengths_text(x):
    if isinstance(x, RaggedTensor):
        return repr(DynamicRaggedShape.from_tensor(x))
    return str(x.shape.as_list())


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts a dense or ragged `input` to a (ragged) DynamicRaggedShape.

    Dense inputs align their trailing dimensions with `shape` (NumPy's rule); a
    ragged input must share the shape's outer row partitions.
    """
    A, G = _ops()
    if not isinstance(shape, DynamicRaggedShape):
        dims = concrete(convert_to_tensor(shape, dtype_hint=dtypes.int64), "broadcast_to")
        shape = DynamicRaggedShape([], np.asarray(dims, np.int64).reshape(-1))
    if not shape.num_row_partitions:
        return A.broadcast_to(input.to_tensor() if isinstance(input, RaggedTensor) else input,
                              _inner(shape))
    x = input if isinstance(input, RaggedTensor) else convert_to_tensor(input)
    rank, nrp, lengths = shape.rank, shape.num_row_partitions, shape.static_lengths()

    def fail(why):
        raise invalid_argument(f"Cannot broadcast a tensor of shape {_lengths_text(x)} to "
                               f"{shape!r}: {why}", "BroadcastTo")

    if isinstance(x, RaggedTensor):
        rr = x.ragged_rank
        if x.shape.rank != rank or rr > nrp:
            fail("a ragged input must have the target's rank and at most its ragged rank")
        for mine, theirs in zip(x.nested_row_splits, shape.row_partitions):
            a, b = concrete(mine, "broadcast_to"), concrete(theirs.row_splits(), "broadcast_to")
            if a.shape != b.shape or np.any(a != b):
                fail("its row partitions differ from the shape's")
        flat = x.flat_values
    else:
        rr = 0
        if x.ndim > rank:
            fail(f"the input has rank {x.ndim} > {rank}")
        flat = A.reshape(x, [1] * (rank - x.ndim) + x.shape.as_list()) \
            if x.ndim < rank else x
    pos, offset = _positions(shape)
    dims = flat.shape.as_list()
    cols = [pos[rr] if dims[0] != 1 or rr else np.zeros_like(pos[0])]
    if rr == 0 and dims[0] not in (1, lengths[0]):
        fail(f"dimension 0 has size {dims[0]}, expected 1 or {lengths[0]}")
    for j in range(rr + 1, nrp + 1):
        d = dims[j - rr]
        if d == 1:
            cols.append(np.zeros_like(pos[0]))
        elif isinstance(lengths[j], tuple) or d != lengths[j]:
            fail(f"dimension {j} has size {d}, expected 1 or {lengths[j]}")
        else:
            cols.append(offset[j])
    inner = _inner(shape)[1:]
    rest = dims[nrp - rr + 1:]
    if any(a not in (1, b) for a, b in zip(rest, inner)):
        fail(f"its inner dimensions {rest} do not broadcast to {inner}")
    index = np.stack(cols, axis=1).astype(np.int64)
    gathered = G.gather_nd(flat, Tensor(index))
    values = A.broadcast_to(gathered, _inner(shape))
    return wrap(values, shape)


SHAPE_OPS = {"shape": shape, "ones": ones, "zeros": zeros, "fill": fill, "reshape": reshape,
             "broadcast_to": broadcast_to}
