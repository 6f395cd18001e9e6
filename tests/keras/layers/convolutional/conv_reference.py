"""Independent references for the convolution tests: lax convolutions with TF's padding.

TF's 'same' padding is computed here from its definition (total = max((ceil(n / s) - 1)
* s + k_eff - n, 0), the smaller half first), so asymmetric pads are checked too.
"""
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # layer_test_utils


def tf_pads(spatial, kernel, strides, dilation, padding):
    pads = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation):
        keff = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
        elif padding == "causal":
            pads.append((keff - 1, 0))
        else:
            total = max((-(-n // s) - 1) * s + keff - n, 0)
            pads.append((total // 2, total - total // 2))
    return pads


def to_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def from_last(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def conv(x, w, strides, padding, dilation, groups=1):
    """Channels-last conv of x (N, *sp, C) with w (*k, C/groups, O)."""
    rank = x.ndim - 2
    spec = {1: "NWC", 2: "NHWC", 3: "NDHWC"}[rank]
    kspec = {1: "WIO", 2: "HWIO", 3: "DHWIO"}[rank]
    pads = tf_pads(x.shape[1:-1], w.shape[:rank], strides, dilation, padding)
    return lax.conv_general_dilated(jnp.asarray(x), jnp.asarray(w), tuple(strides), pads,
                                    rhs_dilation=tuple(dilation),
                                    dimension_numbers=(spec, kspec, spec),
                                    feature_group_count=groups)


def conv_transpose(x, w, out_spatial, strides, padding, dilation):
    """TF's transposed conv: the transpose of `conv` on an `out_spatial` input.

    x (N, *sp, in), w (*k, filters, in) -> (N, *out_spatial, filters)."""
    zeros = jnp.zeros((x.shape[0],) + tuple(out_spatial) + (w.shape[-2],), x.dtype)
    # w (*k, filters, in) is the kernel of the forward conv from filters to in channels
    _, vjp = jax.vjp(lambda t: conv(t, w, strides, padding, dilation), zeros)
    return vjp(jnp.asarray(x))[0]


def depthwise(x, w, strides, padding, dilation):
    """Each channel c convolved on its own with w[..., c, :] -> channels c * M + m."""
    outs = []
    for c in range(x.shape[-1]):
        outs.append(conv(x[..., c:c + 1], w[..., c:c + 1, :], strides, padding, dilation))
    return jnp.concatenate(outs, axis=-1)


def spatial_of(y, data_format):
    return tuple(y.shape[2:]) if data_format == "channels_first" else tuple(y.shape[1:-1])
