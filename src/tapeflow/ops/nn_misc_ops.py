"""Smaller `tf.nn` helpers written with other tapeflow ops (gradients come for free):
l2_loss, crelu, local_response_normalization, atrous_conv2d, space_to_depth,
depth_to_space, weighted_moments, normalize_moments, zero_fraction.

>>> import tapeflow as tf
>>> tf.nn.l2_loss(tf.constant([1., 2.])).numpy()
2.5
"""
from ..framework import dtypes
from ..framework.errors import invalid_argument
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from .conv_ops import conv1d, conv2d
from .dispatch import check_float, norm_axes, to_tensor, unary
from .nn_ops import relu

__all__ = ["l2_loss", "crelu", "local_response_normalization", "lrn", "atrous_conv2d",
           "space_to_depth", "depth_to_space", "weighted_moments", "normalize_moments",
           "zero_fraction"]


def l2_loss(t, name=None):
    """sum(t ** 2) / 2. `tf.nn.l2_loss([1., 2.])` -> 2.5"""
    x = check_float(unary(t), "L2Loss")
    return M.multiply(M.reduce_sum(M.square(x)), 0.5)


def crelu(features, axis=-1, name=None):
    """concat([relu(x), relu(-x)], axis). `tf.nn.crelu([1., -2.])` -> [1., 0., 0., 2.]"""
    x = unary(features)
    return A.concat([relu(x), relu(M.negative(x))], axis=axis)


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0,  # noqa: A002
                                 beta=0.5, name=None):
    """x / (bias + alpha * sum of x**2 over a window of 2r+1 channels) ** beta (NHWC)."""
    x = check_float(unary(input), "LRN")
    if x.ndim != 4:
        raise invalid_argument(f"input must be 4-dimensional, got shape {x.shape.as_list()}",
                               "LRN")
    c = x.shape[-1]
    flat = A.reshape(M.square(x), [-1, c, 1])
    window = A.ones([2 * int(depth_radius) + 1, 1, 1], dtype=x.dtype)
    sq_sum = A.reshape(conv1d(flat, window, 1, "SAME"), x.shape.as_list())
    return M.multiply(x, M.pow(M.add(M.multiply(sq_sum, alpha), bias), -float(beta)))


lrn = local_response_normalization


def atrous_conv2d(value, filters, rate, padding, name=None):
    """conv2d with the filter dilated by `rate` (NHWC, stride 1)."""
    return conv2d(value, filters, 1, padding, dilations=int(rate))


def _block_check(x, block_size, op):
    if x.ndim != 4:
        raise invalid_argument(f"input rank should be 4 instead of {x.ndim}", op)
    b = int(block_size)
    if b < 2:
        raise ValueError(f"Block size should be > 1. Received: block_size={block_size}")
    return b


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves b x b spatial blocks into the channel dim (NHWC)."""
    x = unary(input)
    b = _block_check(x, block_size, "SpaceToDepth")
    n, h, w, c = x.shape.as_list()
    if h % b or w % b:
        raise invalid_argument(f"Image width {w} and height {h} should be divisible by "
                               f"block_size: {b}", "SpaceToDepth")
    y = A.transpose(A.reshape(x, [n, h // b, b, w // b, b, c]), [0, 1, 3, 2, 4, 5])
    return A.reshape(y, [n, h // b, w // b, b * b * c])


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves channel groups back into b x b spatial blocks (NHWC)."""
    x = unary(input)
    b = _block_check(x, block_size, "DepthToSpace")
    n, h, w, c = x.shape.as_list()
    if c % (b * b):
        raise invalid_argument(f"Input depth dimension {c} should be divisible by: {b * b}",
                               "DepthToSpace")
    y = A.transpose(A.reshape(x, [n, h, w, b, b, c // (b * b)]), [0, 1, 3, 2, 4, 5])
    return A.reshape(y, [n, h * b, w * b, c // (b * b)])


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """(mean, variance) of `x` over `axes` with broadcastable `frequency_weights`."""
    x = check_float(unary(x), "WeightedMoments")
    w = M.multiply(A.ones_like(x), to_tensor(frequency_weights, dtype=x.dtype))
    ax = list(norm_axes(axes, x.ndim, "WeightedMoments"))
    total = M.reduce_sum(w, axis=ax, keepdims=True)
    mean = M.realdiv(M.reduce_sum(M.multiply(w, x), axis=ax, keepdims=True), total)
    var = M.realdiv(M.reduce_sum(M.multiply(w, M.squared_difference(x, mean)), axis=ax,
                                 keepdims=True), total)
    if not keepdims:
        mean, var = A.squeeze(mean, ax), A.squeeze(var, ax)
    return mean, var


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient statistics (sums of x - shift and its square)."""
    ss = unary(mean_ss)
    n = to_tensor(counts, dtype=ss.dtype)
    shifted = M.realdiv(ss, n)
    var = M.subtract(M.realdiv(to_tensor(variance_ss, dtype=ss.dtype), n), M.square(shifted))
    mean = shifted if shift is None else M.add(shifted, to_tensor(shift, dtype=ss.dtype))
    return mean, var


def zero_fraction(value, name=None):
    """Fraction of zero entries, as float32. `zero_fraction([0, 1, 0, 2])` -> 0.5"""
    x = unary(value)
    return M.reduce_mean(M.cast(logic_ops.equal(x, A.zeros_like(x)), dtypes.float32))
