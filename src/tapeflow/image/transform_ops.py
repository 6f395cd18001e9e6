"""Projective image transforms (the op behind Keras's RandomRotation, RandomZoom,
RandomTranslation; TF's `ImageProjectiveTransformV3`).

A transform is 8 numbers `[a0, a1, a2, b0, b1, b2, c0, c1]` mapping each
*output* pixel (x, y) to the input point
`((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`.
Points outside the image follow `fill_mode`: "reflect" (d c b a | a b c d |
d c b a), "wrap" (a b c d | a b c d), "nearest" (a a | a b c d | d d) or
"constant" (reads `fill_value`). Sampling is "nearest" (halves
round away from zero) or "bilinear". The warp is one compiled op
(`ImageProjectiveTransformV3`); its gradient rule (transform_grad.py)
scatters the output gradient back to the sampled pixels, so the op
differentiates w.r.t. the images (and, like TF, not the transforms).

>>> import tapeflow as tf
>>> img = tf.reshape(tf.range(4.), [1, 1, 4, 1])
>>> shift = tf.constant([[1., 0., 1., 0., 1., 0., 0., 0.]])  # read x + 1
>>> affine_transform(img, shift).numpy().ravel().tolist()
[1.0, 2.0, 3.0, 0.0]
"""

import functools

import jax
import jax.numpy as jnp

from .. import _core as tf

from ..ops.dispatch import out
from ._checks import as_batched, restore

__all__ = ["affine_transform", "rotation_transforms", "compose_transforms",
           "sampling_plan", "check_modes", "FILL_MODES",
           "INTERPOLATIONS"]

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _round_half_away(c):
    return jnp.sign(c) * jnp.floor(jnp.abs(c) + 0.5)


def _map_coord(c, n, fill_mode):
    """Maps a source coordinate outside [0, n-1] back inside (constant: unchanged)."""
    if fill_mode == "constant":
        return c
    if n <= 1:
        return jnp.zeros_like(c)
    if fill_mode == "reflect":
        p = jnp.mod(c + 0.5, 2.0 * n)
        c = jnp.where(p >= n, 2.0 * n - p, p) - 0.5
    elif fill_mode == "wrap":
        span = float(n - 1)
        lo = c + n * (jnp.floor(-c / span) + 1.0)
        hi = c - n * jnp.floor(c / span)
        c = jnp.where(c < 0, lo, jnp.where(c > span, hi, c))
    return jnp.clip(c, 0.0, n - 1.0)


@functools.partial(jax.jit, static_argnums=(1, 2, 3, 4, 5, 6))
def sampling_plan(transforms, b, h, w, out_hw, interpolation, fill_mode):
    """(indices, weights, fill_weight): output pixel p of image i is
    `sum_k weights[i, p, k] * flat_image[indices[i, p, k]] + fill * fill_weight[i, p]`,
    with `flat_image` the images reshaped to [b * h * w, c]."""
    oh, ow = out_hw
    gy, gx = jnp.meshgrid(jnp.arange(oh, dtype=jnp.float32),
                          jnp.arange(ow, dtype=jnp.float32), indexing="ij")
    t = jnp.broadcast_to(transforms, (b, 8))[:, :, None, None]
    k = t[:, 6] * gx + t[:, 7] * gy + 1.0
    sx = _map_coord((t[:, 0] * gx + t[:, 1] * gy + t[:, 2]) / k, w, fill_mode)
    sy = _map_coord((t[:, 3] * gx + t[:, 4] * gy + t[:, 5]) / k, h, fill_mode)
    if interpolation == "nearest":
        ys, xs = [_round_half_away(sy)], [_round_half_away(sx)]
        ws = [jnp.ones_like(sx)]
    else:
        y0, x0 = jnp.floor(sy), jnp.floor(sx)
        fy, fx = sy - y0, sx - x0
        ys, xs = [y0, y0, y0 + 1, y0 + 1], [x0, x0 + 1, x0, x0 + 1]
        ws = [(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx]
    base = (jnp.arange(b, dtype=jnp.int32) * (h * w))[:, None, None]
    idx, wts = [], []
    for yy, xx, ww in zip(ys, xs, ws):
        inside = (yy >= 0) & (yy <= h - 1) & (xx >= 0) & (xx <= w - 1)
        yi = jnp.clip(yy, 0, h - 1).astype(jnp.int32)
        xi = jnp.clip(xx, 0, w - 1).astype(jnp.int32)
        idx.append(base + yi * w + xi)
        wts.append(ww if fill_mode != "constant" else jnp.where(inside, ww, 0.0))
    idx, wts = jnp.stack(idx, -1), jnp.stack(wts, -1)
    fill_w = jnp.sum(jnp.stack(ws, -1), -1) - jnp.sum(wts, -1)
    return idx, wts, fill_w


@functools.partial(jax.jit, static_argnums=(3, 4, 5, 6))
def _warp(images, transforms, fill_value, out_hw, interpolation, fill_mode, round_out):
    b, h, w, c = images.shape
    idx, wts, fill_w = sampling_plan(transforms, b, h, w, out_hw, interpolation, fill_mode)
    flat = images.reshape(b * h * w, c).astype(jnp.float32)
    out = (fill_w * fill_value)[..., None]
    for k in range(idx.shape[-1]):  # one gather per tap fuses well (no [.., k, c] temp)
        out = out + wts[..., k, None] * jnp.take(flat, idx[..., k], axis=0, mode="clip")
    if images.dtype != jnp.float32:
        if round_out:
            out = jnp.round(out)
        out = out.astype(images.dtype)
    return out


def check_modes(interpolation, fill_mode):
    """NotImplementedError naming the supported values for an unknown mode."""
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Only `reflect`, `wrap`, "
                                  f"`constant` and `nearest` are supported.")
    if interpolation not in INTERPOLATIONS:
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Only `nearest` "
                                  f"and `bilinear` are supported.")


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="constant",
                     fill_value=0.0, output_shape=None):
    """Applies one projective transform per image (or one for all: shape [1, 8]).

    >>> affine_transform(tf.ones([2, 3, 3, 1]), tf.constant([[1., 0, 0, 0, 1, 0, 0, 0]])).shape
    TensorShape([2, 3, 3, 1])
    """
    check_modes(interpolation, fill_mode)
    x, unbatched = as_batched(images, "affine_transform", "images")
    t = tf.cast(tf.convert_to_tensor(transforms), tf.float32)
    if t.shape.rank == 1:
        t = tf.expand_dims(t, 0)
    b, h, w, _ = x.shape.as_list()
    if t.shape.rank != 2 or t.shape[1] != 8 or int(t.shape[0]) not in (1, b):
        raise ValueError(f"affine_transform: transforms must be [8], [1, 8] or [batch, 8]. "
                         f"Received: transforms.shape={t.shape.as_list()} for {b} images")
    out_hw = (h, w) if output_shape is None else (int(output_shape[0]), int(output_shape[1]))
    fill = tf.cast(fill_value, tf.float32)
    attrs = {"out_hw": out_hw, "interpolation": interpolation, "fill_mode": fill_mode}
    v = _warp(x._value, t._value, fill._value, out_hw, interpolation, fill_mode,
              interpolation == "bilinear" and not x.dtype.is_floating)
    return restore(out(v, "ImageProjectiveTransformV3", (x, t, fill), attrs), unbatched)


def rotation_transforms(angles, height, width):
    """[n, 8] transforms rotating images counter-clockwise by `angles` (radians) about
    their centre (output pixel -> input point, as `affine_transform` expects)."""
    a = tf.cast(tf.convert_to_tensor(angles), tf.float32)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    cos, sin = tf.cos(a), tf.sin(a)
    x_off = cx - (cos * cx - sin * cy)
    y_off = cy - (sin * cx + cos * cy)
    zeros = tf.zeros_like(a)
    return tf.stack([cos, -sin, x_off, sin, cos, y_off, zeros, zeros], axis=1)


def compose_transforms(first, second):
    """The transform applying `second` to the output coordinates, then `first`."""
    def mat(t):
        t = tf.concat([t, tf.ones_like(t[:, :1])], axis=1)
        return tf.reshape(t, [-1, 3, 3])
    m = tf.matmul(mat(first), mat(second))
    m = m / m[:, 2:3, 2:3]
    return tf.reshape(m, [-1, 9])[:, :8]
