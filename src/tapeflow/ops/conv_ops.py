"""Convolutions (`tf.nn.conv1d/2d/3d`, transposed, depthwise, separable).

Every convolution is one of three linear primitives, named by spatial rank:
`ConvND` (the forward conv), `ConvNDBackpropInput` (its transpose w.r.t. the
input, also `conv2d_transpose`) and `ConvNDBackpropFilter` (its transpose
w.r.t. the filter). Each one's gradient is written with the other two
(conv_grad.py), so gradients of any order work. All use
`jax.lax.conv_general_dilated`; pooling is in pool_ops.py.

>>> import tapeflow as tf
>>> x = tf.ones([1, 4, 4, 1]); w = tf.ones([3, 3, 1, 1])
>>> tf.nn.conv2d(x, w, strides=1, padding="VALID").numpy().ravel()
array([9., 9., 9., 9.], dtype=float32)
"""
import numpy as np
from jax import lax

from ..framework.errors import invalid_argument
from . import array_ops as A
from . import conv_lowering as L
from ..framework.tensor import Tensor
from .dispatch import check_float, out, to_tensor, unary

__all__ = ["conv1d", "conv2d", "conv3d", "convolution", "conv2d_transpose",
           "conv1d_transpose", "conv3d_transpose", "conv_transpose", "depthwise_conv2d",
           "separable_conv2d"]


# -- argument normalization -------------------------------------------------------


def _channels_first(data_format, n):
    if data_format is None:
        return False
    fmt = data_format.upper()
    if fmt in ("NCHW", "NCW", "NCDHW") or (fmt.startswith("NC") and len(fmt) == n + 2):
        return True
    if fmt in ("NHWC", "NWC", "NDHWC") or len(fmt) == n + 2:
        return False
    raise ValueError(f"Invalid data_format for a {n}D convolution. Received: "
                     f"data_format={data_format}")


def _spatial_list(v, n, cf, what, op):
    """int or list of length 1, n or n+2 -> tuple of n spatial values."""
    if v is None:
        return (1,) * n
    v = [int(i) for i in np.ravel(np.asarray(v))]
    if len(v) == 1:
        return tuple(v * n)
    if len(v) == n:
        return tuple(v)
    if len(v) == n + 2:
        outer = (v[0], v[1]) if cf else (v[0], v[-1])
        if outer != (1, 1):
            raise invalid_argument(f"Current implementation does not yet support {what} in "
                                   f"the batch and depth dimensions. Received: {what}={v}", op)
        return tuple(v[2:] if cf else v[1:-1])
    raise ValueError(f"`{what}` should be of length 1, {n} or {n + 2}. Received: "
                     f"{what}={v} of length {len(v)}")


def _dims(n, cf):
    """lax dimension numbers for TF's layouts: N..C or NC.. with filters ..IO."""
    sp = tuple(range(2, n + 2)) if cf else tuple(range(1, n + 1))
    io = (n + 1, n) + tuple(range(n))  # filter (*spatial, in, out): (out, in, spatial)
    lhs = (0, 1) + sp if cf else (0, n + 1) + sp
    return lax.ConvDimensionNumbers(lhs, io, lhs)


def _pad_pairs(padding, in_sp, k_sp, strides, dilations, n, cf, op):
    """'SAME' | 'VALID' | explicit pairs -> ((lo, hi), ...) per spatial dim."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return tuple((0, 0) for _ in range(n))
        if mode != "SAME":
            raise ValueError(f"`padding` must be 'SAME', 'VALID' or a list of pairs. "
                             f"Received: padding={padding}")
        pairs = []
        for i, k, s, d in zip(in_sp, k_sp, strides, dilations):
            k_eff = (k - 1) * d + 1
            total = max((-(-i // s) - 1) * s + k_eff - i, 0)
            pairs.append((total // 2, total - total // 2))
        return tuple(pairs)
    pads = [tuple(int(v) for v in p) for p in padding]
    if len(pads) == n + 2:
        outer = (pads[0], pads[1]) if cf else (pads[0], pads[-1])
        if any(p != (0, 0) for p in outer):
            raise invalid_argument(f"Explicit padding of the batch or depth dimensions is "
                                   f"not supported. Received: padding={padding}", op)
        pads = pads[2:] if cf else pads[1:-1]
    if len(pads) != n or any(len(p) != 2 or min(p) < 0 for p in pads):
        raise ValueError(f"Explicit `padding` must hold {n + 2} non-negative [before, after] "
                         f"pairs. Received: padding={padding}")
    return tuple(pads)


def _spatial(shape, n, cf):
    return tuple(shape[2:]) if cf else tuple(shape[1:n + 1])


def _like(x, w, op):
    """`w` as a tensor of x's dtype; a tensor of another dtype is TF's InvalidArgumentError."""
    if isinstance(w, Tensor) or hasattr(w, "_as_tensor"):
        d = getattr(w, "dtype", None)
        if d is not None and d != x.dtype:
            raise invalid_argument(f"cannot compute {op} as input #1(zero-based) was expected "
                                   f"to be a {x.dtype.name} tensor but is a {d.name} tensor",
                                   op)
    return to_tensor(w, dtype=x.dtype)


def _check_rank(x, w, n, op):
    if x.ndim != n + 2:
        raise invalid_argument(f"input must be {n + 2}-dimensional: {x.shape.as_list()}", op)
    if w.ndim != n + 2:
        raise invalid_argument(f"filter must be {n + 2}-dimensional: {w.shape.as_list()}", op)


# -- the three primitives ------------------------------------------------------------


def _attrs(n, cf, strides, pads, dilations, groups, in_shape, w_shape):
    return {"n": n, "cf": cf, "strides": tuple(strides), "pads": tuple(pads),
            "dilations": tuple(dilations), "groups": int(groups),
            "in_shape": tuple(in_shape), "w_shape": tuple(w_shape)}


def conv_raw(x, w, attrs):
    """The forward convolution with fully normalized attrs (op `ConvND`)."""
    a = attrs
    if L.use_forward_few_channels(x._value, w._value, a):
        sp = zip(_spatial(a["in_shape"], a["n"], a["cf"]), a["w_shape"], a["strides"],
                 a["dilations"], a["pads"])
        out_sp = [(i + lo + hi - _dilate(k, d)) // s + 1 for i, k, s, d, (lo, hi) in sp]
        v = L.forward_few_channels(x._value, w._value, a, out_sp)
        return out(v, f"Conv{a['n']}D", (x, w), a)
    v = lax.conv_general_dilated(x._value, w._value, a["strides"], a["pads"],
                                 rhs_dilation=a["dilations"],
                                 dimension_numbers=_dims(a["n"], a["cf"]),
                                 feature_group_count=a["groups"])
    return out(v, f"Conv{a['n']}D", (x, w), a)


def _dilate(size, d):
    return 0 if size == 0 else 1 + d * (size - 1)


def backprop_input_raw(dy, w, attrs):
    """Transpose of ConvND w.r.t. its input: a conv of dy with the flipped filter."""
    a = attrs
    n, groups = a["n"], a["groups"]
    wv = w._value
    if groups > 1:  # (*k, I/G, O) -> (*k, O/G, I): move the group axis from O into I
        k = wv.shape[:n]
        ig, o = wv.shape[n], wv.shape[n + 1]
        wv = wv.reshape(k + (ig, groups, o // groups))
        wv = wv.transpose(tuple(range(n)) + (n + 2, n + 1, n)).reshape(k + (o // groups,
                                                                             ig * groups))
    else:
        wv = wv.swapaxes(n, n + 1)
    wv = lax.rev(wv, tuple(range(n)))
    in_sp = _spatial(a["in_shape"], n, a["cf"])
    out_sp = _spatial(dy.shape.as_list(), n, a["cf"])
    pads = []
    for i, k, o, s, d, (lo, _) in zip(in_sp, a["w_shape"][:n], out_sp, a["strides"],
                                      a["dilations"], a["pads"]):
        before = _dilate(k, d) - lo - 1
        pads.append((before, i + _dilate(k, d) - 1 - _dilate(o, s) - before))
    v = lax.conv_general_dilated(dy._value, wv, (1,) * n, pads, lhs_dilation=a["strides"],
                                 rhs_dilation=a["dilations"],
                                 dimension_numbers=_dims(n, a["cf"]),
                                 feature_group_count=groups)
    return out(v, f"Conv{n}DBackpropInput", (dy, w), a)


def backprop_filter_raw(x, dy, attrs):
    """Transpose of ConvND w.r.t. its filter: a conv of x with dy as the kernel."""
    a = attrs
    n, cf = a["n"], a["cf"]
    if L.use_filter_grad_im2col(x._value, dy._value, a):
        v = L.filter_grad_im2col(x._value, dy._value, a)
        return out(v, f"Conv{n}DBackpropFilter", (x, dy), a)
    dn = _dims(n, cf)
    lhs, out_spec = dn.lhs_spec, dn.out_spec
    swap = lambda s: (s[1], s[0]) + tuple(s[2:])  # noqa: E731
    w_spec = (n + 1, n) + tuple(range(n))
    t_dn = lax.ConvDimensionNumbers(swap(lhs), swap(out_spec), swap(w_spec))
    in_sp = _spatial(a["in_shape"], n, cf)
    out_sp = _spatial(dy.shape.as_list(), n, cf)
    pads = []
    for i, k, o, s, d, (lo, _) in zip(in_sp, a["w_shape"][:n], out_sp, a["strides"],
                                      a["dilations"], a["pads"]):
        pads.append((lo, _dilate(o, s) - i + _dilate(k, d) - lo - 1))
    v = lax.conv_general_dilated(x._value, dy._value, a["dilations"], pads,
                                 rhs_dilation=a["strides"], dimension_numbers=t_dn,
                                 batch_group_count=a["groups"])
    return out(v, f"Conv{n}DBackpropFilter", (x, dy), a)


# -- public convolutions -------------------------------------------------------------


def _conv(x, w, n, strides, padding, data_format, dilations, op, groups=1):
    x = check_float(unary(x), op)
    w = _like(x, w, op)
    _check_rank(x, w, n, op)
    cf = _channels_first(data_format, n)
    st = _spatial_list(strides, n, cf, "strides", op)
    dl = _spatial_list(dilations, n, cf, "dilations", op)
    in_sp = _spatial(x.shape.as_list(), n, cf)
    k_sp = tuple(w.shape.as_list()[:n])
    cin = x.shape[1] if cf else x.shape[-1]
    if groups == 1 and w.shape[n] and cin != w.shape[n] and cin % w.shape[n] == 0:
        groups = cin // w.shape[n]  # TF infers a grouped convolution from the filter depth
        if w.shape[n + 1] % groups:
            raise invalid_argument(f"output depth must be evenly divisible by number of "
                                   f"groups: {w.shape[n + 1]} vs {groups} (filter shape "
                                   f"{w.shape.as_list()})", op)
    if cin != w.shape[n] * groups:
        raise invalid_argument(f"input depth must be evenly divisible by filter depth: "
                               f"{cin} vs {w.shape[n]} (input shape {x.shape.as_list()}, "
                               f"filter shape {w.shape.as_list()})", op)
    for i, k, d in zip(in_sp, k_sp, dl):
        if padding == "VALID" and i < _dilate(k, d):
            raise invalid_argument(f"Computed output size would be negative: input spatial "
                                   f"{list(in_sp)}, filter {list(k_sp)}", op)
    pads = _pad_pairs(padding, in_sp, k_sp, st, dl, n, cf, op)
    return conv_raw(x, w, _attrs(n, cf, st, pads, dl, groups, x.shape.as_list(),
                                 w.shape.as_list()))


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None):
    """1-D convolution: input [batch, width, in], filters [k, in, out]."""
    return _conv(input, filters, 1, stride, padding, data_format, dilations, "Conv1D")


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """2-D convolution: input [N, H, W, C], filters [kh, kw, in, out]."""
    return _conv(input, filters, 2, strides, padding, data_format, dilations, "Conv2D")


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None,  # noqa: A002
           name=None):
    """3-D convolution: input [N, D, H, W, C], filters [kd, kh, kw, in, out]."""
    return _conv(input, filters, 3, strides, padding, data_format, dilations, "Conv3D")


def convolution(input, filters, strides=None, padding="VALID", data_format=None,  # noqa: A002
                dilations=None, name=None):
    """N-D convolution; the spatial rank comes from the filter's rank."""
    n = unary(filters).ndim - 2
    return _conv(input, filters, n, strides, padding, data_format, dilations,
                 f"Conv{n}D")


def _conv_transpose(x, w, output_shape, n, strides, padding, data_format, dilations, op):
    x = check_float(unary(x), op)
    w = _like(x, w, op)
    _check_rank(x, w, n, op)
    cf = _channels_first(data_format, n)
    oshape = [int(v) for v in (output_shape.as_list() if hasattr(output_shape, "as_list")
                                else np.ravel(np.asarray(output_shape)))]
    if len(oshape) != n + 2:
        raise ValueError(f"output_shape must have length {n + 2}. Received: "
                         f"output_shape={oshape}")
    st = _spatial_list(strides, n, cf, "strides", op)
    dl = _spatial_list(dilations, n, cf, "dilations", op)
    cout = oshape[1] if cf else oshape[-1]
    if cout != w.shape[n]:
        raise invalid_argument(f"output_shape's depth {cout} does not match the filter's "
                               f"output channels {w.shape[n]} (filter shape "
                               f"{w.shape.as_list()})", op)
    cin = x.shape[1] if cf else x.shape[-1]
    if cin != w.shape[n + 1]:
        raise invalid_argument(f"input depth {cin} does not match the filter's input "
                               f"channels {w.shape[n + 1]} (filter shape "
                               f"{w.shape.as_list()})", op)
    in_sp = _spatial(oshape, n, cf)
    pads = _pad_pairs(padding, in_sp, tuple(w.shape.as_list()[:n]), st, dl, n, cf, op)
    attrs = _attrs(n, cf, st, pads, dl, 1, oshape, w.shape.as_list())
    for o, i, k, s, d, (lo, hi) in zip(_spatial(x.shape.as_list(), n, cf), in_sp,
                                       w.shape.as_list()[:n], st, dl, pads):
        if (i + lo + hi - _dilate(k, d)) // s + 1 != o:
            raise invalid_argument(f"Conv{n}DBackpropInput: Size of out_backprop doesn't "
                                   f"match computed: input shape {x.shape.as_list()} vs "
                                   f"output_shape {oshape}", op)
    return backprop_input_raw(x, w, attrs)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """Transpose of conv2d: filters [kh, kw, out_channels, in_channels]."""
    return _conv_transpose(input, filters, output_shape, 2, strides, padding, data_format,
                           dilations, "Conv2DBackpropInput")


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """Transpose of conv1d: filters [k, out_channels, in_channels]."""
    return _conv_transpose(input, filters, output_shape, 1, strides, padding, data_format,
                           dilations, "Conv1DBackpropInput")


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NDHWC", dilations=None, name=None):
    """Transpose of conv3d: filters [kd, kh, kw, out_channels, in_channels]."""
    return _conv_transpose(input, filters, output_shape, 3, strides, padding, data_format,
                           dilations, "Conv3DBackpropInput")


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """N-D transposed convolution (rank from the filter)."""
    n = unary(filters).ndim - 2
    return _conv_transpose(input, filters, output_shape, n, strides, padding, data_format,
                           dilations, f"Conv{n}DBackpropInput")


def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """Per-channel conv: filter [kh, kw, in, multiplier] -> in * multiplier channels."""
    x = check_float(unary(input), "DepthwiseConv2dNative")
    w = _like(x, filter, "DepthwiseConv2dNative")
    if w.ndim != 4:
        raise invalid_argument(f"filter must be 4-dimensional: {w.shape.as_list()}",
                               "DepthwiseConv2dNative")
    kh, kw, c, m = w.shape.as_list()
    w = A.reshape(w, [kh, kw, 1, c * m])
    return _conv(x, w, 2, strides, padding, data_format, dilations,
                 "DepthwiseConv2dNative", groups=c)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None):
    """depthwise_conv2d followed by a 1x1 conv2d with `pointwise_filter`."""
    y = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(y, pointwise_filter, 1, "VALID", data_format or "NHWC")
