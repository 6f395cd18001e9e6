"""Pooling (`tf.nn.max_pool*`, `tf.nn.avg_pool*`, `tf.nn.pool`).

Windows are `jax.lax.reduce_window`s over the full-rank input (size 1 on the
batch and channel dims). `MaxPool`'s gradient is the op `MaxPoolGrad`
(select-and-scatter), whose gradient w.r.t. the incoming gradient is
`MaxPoolGradGrad` (select-and-gather), so second order works; `AvgPool` and
`AvgPoolGrad` are each other's transposes. Average pooling with SAME padding
divides by the number of valid (unpadded) elements, as TF does.

>>> import tapeflow as tf
>>> tf.nn.max_pool2d(tf.reshape(tf.range(16.), [1, 4, 4, 1]), 2, 2, "VALID").numpy().ravel()
array([ 5.,  7., 13., 15.], dtype=float32)
"""
import jax.numpy as jnp
from jax import lax

from ..framework.errors import invalid_argument
from ..framework.jax_compat import select_and_gather_add, select_and_scatter_add
from .conv_ops import _channels_first, _pad_pairs, _spatial_list
from . import pool_lowering as PL
from .dispatch import check_float, out, unary

__all__ = ["max_pool", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool", "avg_pool1d",
           "avg_pool2d", "avg_pool3d", "pool"]


def _full(sp, n, cf, fill=1):
    """Spatial tuple -> full-rank tuple with `fill` on the batch and channel dims."""
    return (fill, fill) + tuple(sp) if cf else (fill,) + tuple(sp) + (fill,)


def _pool_attrs(x, ksize, strides, padding, data_format, n, op):
    if x.ndim != n + 2:
        raise invalid_argument(f"Input to {op} must be {n + 2}-dimensional, got shape "
                               f"{x.shape.as_list()}", op)
    cf = _channels_first(data_format, n)
    k = _spatial_list(ksize, n, cf, "ksize", op)
    s = _spatial_list(strides, n, cf, "strides", op)
    if isinstance(padding, str) and padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"`padding` must be 'SAME' or 'VALID'. Received: padding={padding}")
    in_sp = x.shape.as_list()[2:] if cf else x.shape.as_list()[1:-1]
    for i, kk in zip(in_sp, k):
        if isinstance(padding, str) and padding.upper() == "VALID" and kk > i:
            raise invalid_argument(f"Computed output size would be negative: window {list(k)}"
                                   f" larger than input {in_sp}", op)
    pads = _pad_pairs(padding, in_sp, k, s, (1,) * n, n, cf, op)
    return {"window": _full(k, n, cf), "strides": _full(s, n, cf),
            "pads": ((0, 0),) + tuple(pads) + ((0, 0),) if not cf else
            ((0, 0), (0, 0)) + tuple(pads), "in_shape": tuple(x.shape.as_list())}


# -- max pooling -------------------------------------------------------------------


def max_pool_raw(x, a):
    init = jnp.array(-jnp.inf, x._value.dtype)
    v = lax.reduce_window(x._value, init, lax.max, a["window"], a["strides"], a["pads"])
    return out(v, "MaxPool", (x,), a)


def max_pool_grad_raw(x, g, a):
    """Routes each window's gradient to its (first) maximum."""
    g = unary(g)
    if PL.use_non_overlapping(x._value, a):
        return out(PL.max_pool_grad_non_overlapping(x._value, g._value, a), "MaxPoolGrad",
                   (x, g), a)
    v = select_and_scatter_add(g._value, x._value, lax.ge_p, a["window"], a["strides"],
                                a["pads"])
    return out(v, "MaxPoolGrad", (x, g), a)


def max_pool_grad_grad_raw(x, gg, a):
    """Reads `gg` at each window's maximum (the transpose of MaxPoolGrad)."""
    gg = unary(gg)
    ones = (1,) * x.ndim
    v = select_and_gather_add(gg._value, x._value, lax.ge_p, a["window"], a["strides"],
                               a["pads"], ones, ones)
    return out(v, "MaxPoolGradGrad", (x, gg), a)


def _max_pool(input, ksize, strides, padding, data_format, n, op):  # noqa: A002
    x = unary(input)
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise invalid_argument(f"{op} does not support dtype {x.dtype.name}", op)
    if x.dtype.is_integer:
        a = _pool_attrs(x, ksize, strides, padding, data_format, n, op)
        init = jnp.array(jnp.iinfo(x._value.dtype).min, x._value.dtype)
        return out(lax.reduce_window(x._value, init, lax.max, a["window"], a["strides"],
                                     a["pads"]), "MaxPool", (x,), a)
    return max_pool_raw(x, _pool_attrs(x, ksize, strides, padding, data_format, n, op))


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Max over windows of a [batch, width, channels] input."""
    return _max_pool(input, ksize, strides, padding, data_format, 1, "MaxPool")


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Max over windows of a [N, H, W, C] input.

    >>> tf.nn.max_pool2d(tf.ones([1, 4, 4, 1]), ksize=2, strides=2, padding="SAME").shape
    TensorShape([1, 2, 2, 1])
    """
    return _max_pool(input, ksize, strides, padding, data_format, 2, "MaxPool")


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Max over windows of a [N, D, H, W, C] input."""
    return _max_pool(input, ksize, strides, padding, data_format, 3, "MaxPool3D")


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """N-D max pooling; the spatial rank is the input's rank - 2."""
    n = unary(input).ndim - 2
    return _max_pool(input, ksize, strides, padding, data_format, n, "MaxPool")


# -- average pooling ---------------------------------------------------------------


def _counts(shape, a, dtype):
    ones = jnp.ones(shape, dtype)
    return lax.reduce_window(ones, jnp.array(0, dtype), lax.add, a["window"], a["strides"],
                             a["pads"])


def avg_pool_raw(x, a):
    x = unary(x)
    v = x._value
    s = lax.reduce_window(v, jnp.array(0, v.dtype), lax.add, a["window"], a["strides"],
                          a["pads"])
    return out(s / _counts(v.shape, a, v.dtype), "AvgPool", (x,), a)


def avg_pool_grad_raw(g, a):
    """Spreads each window's (averaged) gradient back over the window's elements."""
    g = unary(g)
    gv = g._value / _counts(a["in_shape"], a, g._value.dtype)
    cfg = []
    for i, o, k, s, (lo, _) in zip(a["in_shape"], gv.shape, a["window"], a["strides"],
                                   a["pads"]):
        cfg.append((k - 1 - lo, i + lo - (o - 1) * s - 1, s - 1))
    padded = lax.pad(gv, jnp.array(0, gv.dtype), cfg)
    v = lax.reduce_window(padded, jnp.array(0, gv.dtype), lax.add, a["window"],
                          (1,) * gv.ndim, "VALID")
    return out(v, "AvgPoolGrad", (g,), a)


def _avg_pool(input, ksize, strides, padding, data_format, n, op):  # noqa: A002
    x = check_float(unary(input), op)
    return avg_pool_raw(x, _pool_attrs(x, ksize, strides, padding, data_format, n, op))


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Mean over windows of a [batch, width, channels] input."""
    return _avg_pool(input, ksize, strides, padding, data_format, 1, "AvgPool")


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Mean over windows of a [N, H, W, C] input (SAME: mean of the valid elements).

    >>> tf.nn.avg_pool2d(tf.ones([1, 3, 3, 1]), 2, 2, "SAME").numpy().ravel()
    array([1., 1., 1., 1.], dtype=float32)
    """
    return _avg_pool(input, ksize, strides, padding, data_format, 2, "AvgPool")


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Mean over windows of a [N, D, H, W, C] input."""
    return _avg_pool(input, ksize, strides, padding, data_format, 3, "AvgPool3D")


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """N-D average pooling; the spatial rank is the input's rank - 2."""
    n = unary(input).ndim - 2
    return _avg_pool(input, ksize, strides, padding, data_format, n, "AvgPool")


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None):
    """`tf.nn.pool`: 'MAX' or 'AVG' pooling over `window_shape` (dilations must be 1)."""
    if dilations is not None and any(int(d) != 1 for d in jnp.ravel(jnp.asarray(dilations))):
        raise ValueError(f"Only dilations of 1 are supported. Received: dilations={dilations}")
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"`pooling_type` must be 'MAX' or 'AVG'. Received: "
                         f"pooling_type={pooling_type}")
    strides = 1 if strides is None else strides
    fn = max_pool if kind == "MAX" else avg_pool
    return fn(input, list(window_shape), strides, padding, data_format)
