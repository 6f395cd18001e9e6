"""Statistical reductions and norm clipping (`tf.math.reduce_std`, `tf.clip_by_norm`, ...).

Most are compositions of recorded tapeflow ops, so their gradients (of any
order) come from the pieces; cumulative_logsumexp's rule is in reduction_grad.py.

>>> import tapeflow as tf
>>> tf.reduce_logsumexp(tf.constant([0., 0.])).numpy()  # log(2)
0.6931472
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.tensor import Tensor
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from .elementwise_ops import is_finite
from .dispatch import norm_axes, norm_axis, out, to_tensor, unary, wrap

__all__ = ["reduce_logsumexp", "clip_by_norm", "clip_by_global_norm"]
MATH_ONLY = ["reduce_std", "reduce_variance", "reduce_euclidean_norm", "count_nonzero",
             "cumulative_logsumexp", "global_norm"]


def _real_or_complex(x, fn_name):
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"Input must be either real or complex. Received {x.dtype.name} "
                        f"input to {fn_name}.")
    return x


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Variance (mean squared deviation) over `axis`.

    >>> tf.math.reduce_variance(tf.constant([1., 2., 3., 4.])).numpy()
    1.25
    """
    x = _real_or_complex(unary(input_tensor), "reduce_variance")
    axes = list(norm_axes(axis, x.ndim, "Mean"))
    mean = M.reduce_mean(x, axis=axes, keepdims=True)
    dev = M.subtract(x, mean)
    sq = M.square(M.abs(dev)) if x.dtype.is_complex else M.square(dev)
    return M.reduce_mean(sq, axis=axes, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over `axis`: `reduce_std([1., 2., 3., 4.]) -> 1.118`."""
    return M.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over `axis`, shifted by the max so it does not overflow."""
    x = unary(input_tensor)
    axes = list(norm_axes(axis, x.ndim, "Max"))
    raw_max = M.reduce_max(x, axis=axes, keepdims=True)
    shift = A.stop_gradient(A.where(is_finite(raw_max), raw_max, A.zeros_like(raw_max)))
    s = M.reduce_sum(M.exp(M.subtract(x, shift)), axis=axes, keepdims=keepdims)
    if not keepdims:
        shift = A.reshape(shift, list(s.shape))
    return M.add(M.log(s), shift)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x**2)) over `axis`; integer inputs give a truncated integer norm."""
    x = unary(input_tensor)
    axes = norm_axes(axis, x.ndim, "EuclideanNorm")
    if x.dtype.is_integer:
        v = jnp.sqrt(jnp.sum(jnp.square(x._value.astype(jnp.float64)), axis=axes,
                             keepdims=keepdims))
        return wrap(v.astype(x._value.dtype))
    if x.dtype.is_complex:
        return M.sqrt(M.reduce_sum(M.square(M.abs(x)), axis=list(axes), keepdims=keepdims))
    return M.sqrt(M.reduce_sum(M.square(x), axis=list(axes), keepdims=keepdims))


def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None):  # noqa: A002
    """Number of non-zero (non-empty for strings) entries over `axis`."""
    x = unary(input)
    axes = norm_axes(axis, x.ndim, "Sum")
    v = x._value
    nz = (np.vectorize(len, otypes=[np.int64])(v) != 0 if v.size else np.zeros(v.shape, bool)) if x.dtype is dtypes.string else (v != 0)
    return wrap(jnp.sum(jnp.asarray(nz), axis=axes, keepdims=bool(keepdims))
                .astype(dtypes.as_dtype(dtype)._np))


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running log(sum(exp(x))) along `axis` (exclusive/reverse as in cumsum)."""
    x = unary(x)
    if not x.dtype.is_floating:
        raise TypeError(f"cumulative_logsumexp needs a float input, got {x.dtype.name}")
    ax = norm_axis(axis, x.ndim, "CumulativeLogsumexp")
    v = x._value
    r = lax.cumlogsumexp(v, axis=ax, reverse=bool(reverse))
    if exclusive:
        n = v.shape[ax]
        pad = [(0, 0)] * v.ndim
        pad[ax] = (0, 1) if reverse else (1, 0)
        r = jnp.pad(r, pad, constant_values=-jnp.inf)
        r = lax.slice_in_dim(r, 1 if reverse else 0, n + (1 if reverse else 0), axis=ax)
    return out(r, "CumulativeLogsumexp", (x,),
               {"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)})


# -- clipping by norm ------------------------------------------------------------


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales `t` so its L2 norm over `axes` is at most `clip_norm`.

    >>> tf.clip_by_norm(tf.constant([3., 4.]), 1.).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    t = unary(t)
    axes = list(norm_axes(axes, t.ndim, "Sum"))
    clip = to_tensor(clip_norm, dtype_hint=t.dtype)
    l2sum = M.reduce_sum(M.multiply(t, t), axis=axes, keepdims=True)
    pos = logic_ops.greater(l2sum, 0)
    safe = A.where(pos, l2sum, A.ones_like(l2sum))
    l2norm = A.where(pos, M.sqrt(safe), l2sum)
    return M.truediv(M.multiply(t, clip), M.maximum(l2norm, clip))


def _check_list(t_list, fn):
    if isinstance(t_list, (Tensor, str, bytes, np.ndarray)) or not hasattr(t_list, "__iter__"):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received "
                        f"{type(t_list).__name__} in {fn}.")
    return list(t_list)


def global_norm(t_list, name=None):
    """sqrt of the sum of squares of every entry of every tensor; None entries skipped.

    >>> tf.linalg.global_norm([tf.constant([3.]), tf.constant([4.])]).numpy()
    5.0
    """
    ts = [unary(t) for t in _check_list(t_list, "global_norm") if t is not None]
    if not ts:
        return wrap(jnp.zeros((), jnp.float32))
    sq = [M.reduce_sum(M.square(t)) for t in ts]
    return M.sqrt(M.add_n(sq) if len(sq) > 1 else sq[0])


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by clip_norm / max(global_norm, clip_norm).

    Returns (list_clipped, global_norm); None entries stay None. A NaN or inf
    global norm makes every clipped entry NaN, as in TF.
    """
    items = _check_list(t_list, "clip_by_global_norm")
    norm = global_norm(items) if use_norm is None else unary(use_norm)
    clip = to_tensor(clip_norm, dtype_hint=norm.dtype)
    scale = M.multiply(clip, M.minimum(M.truediv(1.0, norm), M.truediv(1.0, clip)))
    nan = wrap(jnp.full((), jnp.nan, norm._value.dtype))
    scale = A.where(is_finite(norm), scale, nan)
    clipped = []
    for t in items:
        if t is None:
            clipped.append(None)
            continue
        t = unary(t)
        clipped.append(M.multiply(t, M.cast(scale, t.dtype)))
    return clipped, norm
