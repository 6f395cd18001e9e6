"""`tf.image.resize` and friends, with TF 2's half-pixel-centre sampling.

Every method but nearest is linear in the image and separable, so resizing is
two contractions with small weight matrices computed once on the host:
`out = Wh . image . Ww^T`. The weights follow TF's ScaleAndTranslate rule
(sample point of output pixel i is `(i + 0.5) * in / out` in input pixel
units; a kernel of radius r is evaluated at `(j + 0.5 - sample) / s`, with
`s = max(in / out, 1)` when anti-aliasing and 1 otherwise; weights of pixels
outside the image are dropped and the rest renormalized). `area` averages
the exact box overlap, `nearest` gathers `floor((i + 0.5) * in / out)`.
Because the ops used are tapeflow's einsum/gather, gradients come from
their rules.

>>> import tapeflow as tf
>>> resize(tf.reshape(tf.range(4.), [2, 2, 1]), [4, 4]).numpy()[..., 0][0]
array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
"""
import functools

import numpy as np

from .. import _core as tf

from ._checks import as_batched, restore, static_hw
from ..ops.dispatch import static_int_list
from .crop_ops import pad_to_bounding_box

__all__ = ["ResizeMethod", "resize", "resize_with_pad"]


class ResizeMethod:
    """Names of the resize methods (`tf.image.ResizeMethod`)."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _triangle(x):
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x, a=-0.5):
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))


def _lanczos(n):
    def k(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            v = n * np.sin(np.pi * x) * np.sin(np.pi * x / n) / (np.pi * np.pi * x * x)
        return np.where(x < 1e-7, 1.0, np.where(x < n, v, 0.0))
    return k


def _gaussian(x, radius=1.5):
    sigma = radius / 3.0
    return np.where(x < radius, np.exp(-x * x / (2 * sigma * sigma)), 0.0)


def _mitchell(x):  # B = C = 1/3
    return np.where(x < 1, (7 / 6) * x ** 3 - 2 * x ** 2 + 8 / 9,
                    np.where(x < 2, -(7 / 18) * x ** 3 + 2 * x ** 2 - (10 / 3) * x + 16 / 9,
                             0.0))


_KERNELS = {"bilinear": (_triangle, 1.0), "bicubic": (_keys_cubic, 2.0),
            "lanczos3": (_lanczos(3), 3.0), "lanczos5": (_lanczos(5), 5.0),
            "gaussian": (_gaussian, 1.5), "mitchellcubic": (_mitchell, 2.0)}
_METHODS = tuple(_KERNELS) + ("nearest", "area")


@functools.lru_cache(maxsize=256)
def _kernel_weights(method, n_in, n_out, antialias):
    """[n_out, n_in] float32 weights of a kernel method (None when the identity)."""
    kernel, radius = _KERNELS[method]
    f32 = np.float32
    inv = f32(1) / (f32(n_out) / f32(n_in))  # float32 like TF, so boundary taps agree
    ks = max(inv, f32(1)) if antialias else f32(1)
    sample = (np.arange(n_out, dtype=f32) + f32(0.5)) * inv
    if method == "bicubic" and not antialias:
        # TF's bicubic kernel reads a 1024-entry coefficient table: the fractional
        # source position is rounded to 1/1024.
        pos = sample - f32(0.5)
        base = np.floor(pos)
        sample = base + np.round((pos - base) * 1024) / 1024 + f32(0.5)
    d = np.abs((np.arange(n_in, dtype=f32)[None, :] + f32(0.5) - sample[:, None]) *
               (f32(1) / ks)).astype(np.float64)
    w = np.where(d < radius, kernel(d), 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(np.abs(total) > 1e-35, w / np.where(total == 0, 1, total), 0.0)
    w = w.astype(np.float32)
    if n_in == n_out and np.array_equal(w, np.eye(n_in, dtype=np.float32)):
        return None
    return w


@functools.lru_cache(maxsize=256)
def _area_weights(n_in, n_out):
    """[n_out, n_in] box-overlap weights (each row sums to 1)."""
    if n_in == n_out:
        return None
    scale = np.float32(n_in) / np.float32(n_out)
    lo = np.arange(n_out, dtype=np.float64) * scale
    hi = lo + scale
    j = np.arange(n_in, dtype=np.float64)
    overlap = np.clip(np.minimum(hi[:, None], j[None, :] + 1) -
                      np.maximum(lo[:, None], j[None, :]), 0, None)
    return (overlap / scale).astype(np.float32)


@functools.lru_cache(maxsize=256)
def _nearest_index(n_in, n_out):
    if n_in == n_out:
        return None
    scale = np.float32(n_in) / np.float32(n_out)
    i = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale
    return np.minimum(np.floor(i).astype(np.int64), n_in - 1).astype(np.int32)


def _apply_weights(x, wh, ww):
    if wh is not None:
        x = tf.einsum("ih,bhwc->biwc", tf.constant(wh), x)
    if ww is not None:
        x = tf.einsum("jw,bhwc->bhjc", tf.constant(ww), x)
    return x


def _target_size(size, h, w, preserve_aspect_ratio):
    s = static_int_list(size, "size")
    if len(s) != 2:
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width. "
                         f"Received: size={s}")
    if any(v <= 0 for v in s):
        raise ValueError(f"'size' must be positive. Received: size={s}")
    if not preserve_aspect_ratio:
        return s
    scale = min(np.float32(s[0]) / np.float32(h), np.float32(s[1]) / np.float32(w))
    return [max(int(np.round(np.float32(h) * scale)), 1),
            max(int(np.round(np.float32(w) * scale)), 1)]


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resizes `images` ([h, w, c] or [b, h, w, c]) to `size` = [new_height, new_width].

    Returns float32, except `nearest`, which keeps the input dtype.

    >>> import tapeflow as tf
    >>> resize(tf.ones([4, 4, 3]), [2, 2], method="area").shape
    TensorShape([2, 2, 3])
    """
    method = str(method).lower()
    if method not in _METHODS:
        raise ValueError(f"Resize method is not implemented: [{method}]. "
                         f"Expected one of {list(_METHODS)}.")
    x, unbatched = as_batched(images, "resize", "images")
    h, w = static_hw(x)
    nh, nw = _target_size(size, h, w, preserve_aspect_ratio)
    if method == "nearest":
        ih, iw = _nearest_index(h, nh), _nearest_index(w, nw)
        if ih is not None:
            x = tf.gather(x, tf.constant(ih), axis=1)
        if iw is not None:
            x = tf.gather(x, tf.constant(iw), axis=2)
        return restore(x, unbatched)
    if x.dtype != tf.float32:
        x = tf.cast(x, tf.float32)
    if method == "area":
        wh, ww = _area_weights(h, nh), _area_weights(w, nw)
    else:
        aa = bool(antialias)
        wh, ww = _kernel_weights(method, h, nh, aa), _kernel_weights(method, w, nw, aa)
    return restore(_apply_weights(x, wh, ww), unbatched)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                    antialias=False):
    """Resizes keeping the aspect ratio, then zero-pads to the target size (centred).

    >>> import tapeflow as tf
    >>> resize_with_pad(tf.ones([2, 4, 1]), 4, 4).numpy()[..., 0].tolist()[0]
    [0.0, 0.0, 0.0, 0.0]
    """
    x, unbatched = as_batched(image, "resize_with_pad")
    th, tw = int(target_height), int(target_width)
    if th <= 0 or tw <= 0:
        raise ValueError(f"resize_with_pad: target sizes must be positive. "
                         f"Received: target_height={th}, target_width={tw}")
    h, w = (np.float32(v) for v in static_hw(x))
    ratio = max(w / np.float32(tw), h / np.float32(th))
    fh, fw = h / ratio, w / ratio  # the padding is centred on the unrounded size
    y = resize(x, [int(np.floor(fh)), int(np.floor(fw))], method=method, antialias=antialias)
    top = max(int(np.floor((np.float32(th) - fh) / 2)), 0)
    left = max(int(np.floor((np.float32(tw) - fw) / 2)), 0)
    y = pad_to_bounding_box(y, top, left, th, tw)
    return restore(y, unbatched)
