"""Projective image transforms (the op behind Keras's RandomRotation, RandomZoom,
RandomTranslation; TF's `ImageProjectiveTransformV3`).

A transform is 8 numbers `[a0, a1, a2, b0, b1, b2, c0, c1]` mapping each
*output* pixel (x, y) to the input point
`((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`.
Points outside the image follow `fill_mode`: "reflect" (d c b a | a b c d |
d c b a), "wrap" (a b c d | a b c d), "nearest" (a a | a b c d | d d) or
"constant" (reads `fill_value`). Sampling is "nearest" (rounded) or
"bilinear". Built from tapeflow ops (the image read is one `tf.gather`), so
it runs eagerly, under tf.function, and differentiates w.r.t. the images.

>>> import tapeflow as tf
>>> img = tf.reshape(tf.range(4.), [1, 1, 4, 1])
>>> shift = tf.constant([[1., 0., 1., 0., 1., 0., 0., 0.]])  # read x + 1
>>> affine_transform(img, shift).numpy().ravel().tolist()
[1.0, 2.0, 3.0, 0.0]
"""

import numpy as np

import tapeflow as tf

from ._checks import as_batched, restore, static_hw

__all__ = ["affine_transform", "rotation_transforms", "compose_transforms",
           "FILL_MODES", "INTERPOLATIONS"]

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _reflect(c, n):
    if n <= 1:
        return tf.zeros_like(c)
    p = tf.math.floormod(c + 0.5, 2.0 * n)
    p = tf.where(p >= n, 2.0 * n - p, p) - 0.5
    return tf.clip_by_value(p, 0.0, n - 1.0)


def _wrap(c, n):
    if n <= 1:
        return tf.zeros_like(c)
    span = float(n - 1)
    lo = c + n * (tf.floor(-c / span) + 1.0)
    hi = c - n * tf.floor(c / span)
    c = tf.where(c < 0, lo, tf.where(c > span, hi, c))
    return tf.clip_by_value(c, 0.0, span)


def _round_half_away(c):
    return tf.sign(c) * tf.floor(tf.abs(c) + 0.5)


def _map_coord(c, n, fill_mode):
    if fill_mode == "reflect":
        return _reflect(c, n)
    if fill_mode == "wrap":
        return _wrap(c, n)
    if fill_mode == "nearest":
        return tf.clip_by_value(c, 0.0, n - 1.0)
    return c


def _check(interpolation, fill_mode):
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
    _check(interpolation, fill_mode)
    x, unbatched = as_batched(images, "affine_transform", "images")
    t = tf.cast(tf.convert_to_tensor(transforms), tf.float32)
    if t.shape.rank == 1:
        t = tf.expand_dims(t, 0)
    if t.shape.rank != 2 or t.shape[1] != 8:
        raise ValueError(f"affine_transform: transforms must be [8] or [batch, 8]. "
                         f"Received: transforms.shape={t.shape.as_list()}")
    b, h, w, c = x.shape.as_list()
    oh, ow = (h, w) if output_shape is None else (int(output_shape[0]), int(output_shape[1]))
    orig = x.dtype
    xf = x if orig.is_floating else tf.cast(x, tf.float32)
    gy, gx = np.meshgrid(np.arange(oh, dtype=np.float32), np.arange(ow, dtype=np.float32),
                         indexing="ij")
    gx, gy = tf.constant(gx[None]), tf.constant(gy[None])
    p = [tf.reshape(v, [-1, 1, 1]) for v in tf.unstack(t, axis=1)]
    k = p[6] * gx + p[7] * gy + 1.0
    sx = (p[0] * gx + p[1] * gy + p[2]) / k
    sy = (p[3] * gx + p[4] * gy + p[5]) / k
    sx, sy = _map_coord(sx, w, fill_mode), _map_coord(sy, h, fill_mode)
    flat = tf.reshape(xf, [b * h * w, c])
    base = tf.reshape(tf.range(b, dtype=tf.int32) * (h * w), [b, 1, 1])
    if int(t.shape[0]) == 1 and b != 1:
        sx = tf.broadcast_to(sx, [b, oh, ow])
        sy = tf.broadcast_to(sy, [b, oh, ow])
    fill = tf.cast(fill_value, xf.dtype)

    def read(yy, xx):
        inside = tf.logical_and(tf.logical_and(yy >= 0, yy <= h - 1),
                                tf.logical_and(xx >= 0, xx <= w - 1))
        yi = tf.cast(tf.clip_by_value(yy, 0.0, h - 1.0), tf.int32)
        xi = tf.cast(tf.clip_by_value(xx, 0.0, w - 1.0), tf.int32)
        v = tf.gather(flat, base + yi * w + xi)
        if fill_mode != "constant":
            return v
        return tf.where(tf.expand_dims(inside, -1), v, fill)

    if interpolation == "nearest":  # halves round away from zero
        out = read(_round_half_away(sy), _round_half_away(sx))
    else:
        y0, x0 = tf.floor(sy), tf.floor(sx)
        wy, wx = tf.expand_dims(sy - y0, -1), tf.expand_dims(sx - x0, -1)
        top = (1.0 - wx) * read(y0, x0) + wx * read(y0, x0 + 1.0)
        bottom = (1.0 - wx) * read(y0 + 1.0, x0) + wx * read(y0 + 1.0, x0 + 1.0)
        out = (1.0 - wy) * top + wy * bottom
    if not orig.is_floating:
        out = tf.cast(tf.round(out) if interpolation == "bilinear" else out, orig)
    return restore(out, unbatched)


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
