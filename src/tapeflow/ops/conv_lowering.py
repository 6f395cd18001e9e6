"""Faster XLA:CPU lowerings for two convolution cases, chosen per call in conv_ops.

XLA:CPU runs `conv_general_dilated` through a generic Eigen spatial convolution,
and two cases of it are slow (measured on the MNIST convnet of bench/bench_conv.py,
see bench/README.md):

* The filter gradient (`ConvNDBackpropFilter`): XLA contracts over the batch and
  spatial axes with a convolution whose "kernel" is the whole output gradient.
  Here it is im2col instead: every kernel offset's (strided, dilated) window of
  the padded input is sliced out and stacked, and one dot contracts
  (batch, *out) -> (kernel offsets, in, out). 3-12x faster when the stacked
  patches fit in `PATCH_BYTES`; larger cases keep the lax convolution.
* The forward convolution of an input with few channels (<= `FEW_CHANNELS`, e.g.
  a grayscale / RGB image): a sum over kernel offsets and input channels of
  `window * w[offset, c]`, which XLA fuses into one elementwise loop (about 9x
  faster for MNIST's 1-channel first layer than the Eigen convolution).

Both are exact rewrites of the same sum (results agree with lax to float
rounding; tested in tests/ops/test_conv_lowering.py). Groups > 1 and
non-float32/float64 dtypes always take the lax path.
"""
import itertools

import jax.numpy as jnp
import numpy as np
from jax import lax

__all__ = ["PATCH_BYTES", "FEW_CHANNELS", "windows", "forward_few_channels",
           "use_forward_few_channels", "filter_grad_im2col", "use_filter_grad_im2col"]

PATCH_BYTES = 64 << 20
FEW_CHANNELS = 4
_FAST_DTYPES = (np.dtype("float32"), np.dtype("float64"))


def windows(x, kernel, strides, dilations, pads, out, cf):
    """For each kernel offset (row-major), the input window it meets: list of arrays
    shaped like the output's spatial extent (batch and channel axes kept)."""
    n = len(kernel)
    first = 2 if cf else 1
    widths = [(0, 0, 0)] * x.ndim
    for i, (lo, hi) in enumerate(pads):
        widths[first + i] = (lo, hi, 0)
    if any(lo or hi for lo, hi in pads):
        x = lax.pad(x, jnp.array(0, x.dtype), widths)
    result = []
    for offs in itertools.product(*[range(k) for k in kernel]):
        start, limit, step = [0] * x.ndim, list(x.shape), [1] * x.ndim
        for i in range(n):
            ax = first + i
            start[ax] = offs[i] * dilations[i]
            limit[ax] = start[ax] + strides[i] * (out[i] - 1) + 1
            step[ax] = strides[i]
        result.append(lax.slice(x, start, limit, step))
    return result


def _fast_dtype(x):
    return np.dtype(x.dtype) in _FAST_DTYPES


def use_forward_few_channels(x, w, a):
    n = a["n"]
    return a["groups"] == 1 and _fast_dtype(x) and w.shape[n] <= FEW_CHANNELS


def forward_few_channels(x, w, a, out):
    """Sum over kernel offsets k and input channels c of window_k[c] * w[k, c, :]."""
    n, cf = a["n"], a["cf"]
    cin, cout = w.shape[n], w.shape[n + 1]
    wk = w.reshape((-1, cin, cout))
    acc = None
    for k, win in enumerate(windows(x, a["w_shape"][:n], a["strides"], a["dilations"],
                                    a["pads"], out, cf)):
        for c in range(cin):
            if cf:  # (N, 1, *out) * (O, 1, ..., 1)
                term = win[:, c:c + 1] * wk[k, c].reshape((cout,) + (1,) * n)
            else:   # (N, *out, 1) * (O,)
                term = win[..., c:c + 1] * wk[k, c]
            acc = term if acc is None else acc + term
    return acc


def use_filter_grad_im2col(x, dy, a):
    n = a["n"]
    out = dy.shape[2:] if a["cf"] else dy.shape[1:n + 1]
    k = int(np.prod(a["w_shape"][:n]))
    cin = x.shape[1] if a["cf"] else x.shape[-1]
    size = x.shape[0] * int(np.prod(out)) * k * cin * np.dtype(x.dtype).itemsize
    return a["groups"] == 1 and _fast_dtype(x) and size <= PATCH_BYTES


def filter_grad_im2col(x, dy, a):
    """dW[k, c, o] = sum over batch and output positions of window_k[c] * dy[o]."""
    n, cf = a["n"], a["cf"]
    out = dy.shape[2:] if cf else dy.shape[1:n + 1]
    wins = windows(x, a["w_shape"][:n], a["strides"], a["dilations"], a["pads"], out, cf)
    if cf:  # (N, C, K, *out) . (N, O, *out) -> (K, C, O)
        p = jnp.stack(wins, axis=2)
        sp = tuple(range(3, 3 + n))
        dw = lax.dot_general(p, dy, (((0,) + sp, (0,) + tuple(range(2, 2 + n))), ((), ())))
        dw = jnp.transpose(dw, (1, 0, 2))
    else:   # (N, *out, K, C) . (N, *out, O) -> (K, C, O)
        p = jnp.stack(wins, axis=n + 1)
        axes = tuple(range(n + 1))
        dw = lax.dot_general(p, dy, ((axes, axes), ((), ())))
    return dw.reshape(tuple(a["w_shape"]))
