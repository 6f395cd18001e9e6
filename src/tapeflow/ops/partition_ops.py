"""Partitioning and index ops: dynamic_partition, dynamic_stitch, unravel_index,
histogram_fixed_width(_bins), bitcast.

Values move with `tf.gather` / `tf.tensor_scatter_nd_update`, so gradients flow;
the partition ids must be known (the result shapes depend on them).

>>> import tapeflow as tf
>>> [p.numpy().tolist() for p in tf.dynamic_partition([10, 20, 30], [1, 0, 1], 2)]
[[20], [10, 30]]
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from . import array_ops, gather_ops

__all__ = ["dynamic_partition", "dynamic_stitch", "unravel_index", "histogram_fixed_width",
           "histogram_fixed_width_bins", "bitcast"]


def _known(t, what, op):
    v = t._value
    if isinstance(v, jax.core.Tracer):
        raise TypeError(f"{op} needs known `{what}` (the output shapes depend on them).")
    return np.asarray(v)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """Splits `data` into `num_partitions` tensors by the ids in `partitions`."""
    data = convert_to_tensor(data)
    p = _known(convert_to_tensor(partitions), "partitions", "DynamicPartition")
    if tuple(data.shape.as_list()[:p.ndim]) != p.shape:
        raise invalid_argument(f"data.shape must start with partitions.shape; Received: "
                               f"data.shape={data.shape}, partitions.shape={list(p.shape)}",
                               "DynamicPartition")
    if p.size and (p.min() < 0 or p.max() >= num_partitions):
        raise invalid_argument(f"partitions must be in [0, {num_partitions}); Received: "
                               f"{p.reshape(-1).tolist()}", "DynamicPartition")
    rows = array_ops.reshape(data, [-1] + data.shape.as_list()[p.ndim:])
    flat = p.reshape(-1)
    return [gather_ops.gather(rows, Tensor(jnp.asarray(np.nonzero(flat == k)[0])))
            for k in range(int(num_partitions))]


def dynamic_stitch(indices, data, name=None):
    """merged[indices[m][i]] = data[m][i] (later entries win on repeated indices)."""
    idx = [_known(convert_to_tensor(i), "indices", "DynamicStitch").reshape(-1)
           for i in indices]
    data = [convert_to_tensor(d) for d in data]
    if len(idx) != len(data):
        raise ValueError(f"dynamic_stitch: {len(idx)} index tensors but {len(data)} data")
    all_idx = np.concatenate(idx) if idx else np.zeros(0, np.int64)
    n = int(all_idx.max()) + 1 if all_idx.size else 0
    inner = [d.shape.as_list()[convert_to_tensor(i).ndim:] for d, i in zip(data, indices)]
    rows = array_ops.concat([array_ops.reshape(d, [-1] + s) for d, s in zip(data, inner)], 0)
    last = np.full(n, -1, np.int64)
    last[all_idx] = np.arange(len(all_idx))  # the final writer of each position
    if np.any(last < 0):
        raise invalid_argument(f"dynamic_stitch: indices must cover 0..{n - 1}",
                               "DynamicStitch")
    return gather_ops.gather(rows, Tensor(jnp.asarray(last)))


def unravel_index(indices, dims, name=None):
    """Flat indices -> coordinates, shape `[len(dims), ...]`.

    >>> import tapeflow as tf
    >>> tf.unravel_index([5, 7], [3, 3]).numpy().tolist()
    [[1, 2], [2, 1]]
    """
    i = convert_to_tensor(indices)
    d = _known(convert_to_tensor(dims, dtype=i.dtype), "dims", "UnravelIndex")
    total = int(np.prod(d))
    iv = i._value
    if not isinstance(iv, jax.core.Tracer) and np.any((np.asarray(iv) < 0) |
                                                      (np.asarray(iv) >= total)):
        raise invalid_argument(f"index out of range for dims {d.tolist()}", "UnravelIndex")
    return Tensor(jnp.stack(jnp.unravel_index(iv, tuple(int(x) for x in d))).astype(iv.dtype))


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin index of each value over `nbins` equal bins of `value_range` (clamped)."""
    v = convert_to_tensor(values)
    r = convert_to_tensor(value_range, dtype=v.dtype)._value
    lo, hi = r[0], r[1]
    scaled = (v._value - lo) / (hi - lo) * nbins
    bins = jnp.clip(jnp.floor(scaled), 0, nbins - 1).astype(dtypes.as_dtype(dtype)._np)
    return Tensor(bins)


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts of `values` in `nbins` equal bins of `value_range` (outliers clamped).

    >>> import tapeflow as tf
    >>> tf.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], 5).numpy()
    array([2, 1, 1, 0, 2], dtype=int32)
    """
    bins = histogram_fixed_width_bins(values, value_range, nbins, dtypes.int32)._value
    counts = jnp.zeros(int(nbins), jnp.int32).at[bins.reshape(-1)].add(1)
    return Tensor(counts.astype(dtypes.as_dtype(dtype)._np))


def bitcast(input, type, name=None):  # noqa: A002 - TF's argument names
    """Reinterprets the bits of `input` as `type` (sizes must divide, as in TF)."""
    t = convert_to_tensor(input)
    return Tensor(lax.bitcast_convert_type(t._value, dtypes.as_dtype(type)._np))
