"""Colour spaces and photometric adjustments (`tf.image.rgb_to_hsv`,
`adjust_brightness`, `convert_image_dtype`, ...).

Linear colour spaces are a 3x3 matrix on the channel axis: YUV is BT.601
(Y = 0.299 R + 0.587 G + 0.114 B, U and V the scaled B-Y and R-Y with
Umax = 0.436, Vmax = 0.615) and YIQ is YUV with the chroma plane rotated by
33 degrees; the inverses are the matrix inverses. HSV uses hue in [0, 1).
Everything is composed of tapeflow ops, so gradients flow wherever TF's do.
Adjustments work in float32 for integer images and convert back, saturating.

>>> import tapeflow as tf
>>> rgb_to_hsv([[[1.0, 0.0, 0.0]]]).numpy().ravel().tolist()
[0.0, 1.0, 1.0]
"""
import numpy as np

from .. import _core as tf

__all__ = ["rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yuv",
           "yuv_to_rgb", "rgb_to_yiq", "yiq_to_rgb", "convert_image_dtype",
           "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_saturation",
           "adjust_hue", "per_image_standardization"]

_GRAY = np.array([0.2989, 0.5870, 0.1140], np.float32)


def _yuv_matrix():
    wr, wb = 0.299, 0.114
    wg = 1 - wr - wb
    u, v = 0.436 / (1 - wb), 0.615 / (1 - wr)
    return np.array([[wr, wg, wb], [-u * wr, -u * wg, u * (1 - wb)],
                     [v * (1 - wr), -v * wg, -v * wb]])


def _yiq_matrix():
    a = np.deg2rad(33.0)
    rot = np.array([[1, 0, 0], [0, -np.sin(a), np.cos(a)], [0, np.cos(a), np.sin(a)]])
    return rot @ _yuv_matrix()


_RGB_YUV = _yuv_matrix()
_RGB_YIQ = _yiq_matrix()


def _float_image(image, op):
    x = tf.convert_to_tensor(image)
    if x.shape.rank is not None and (x.shape.rank < 1 or x.shape[-1] != 3):
        raise ValueError(f"{op}: the last dimension must be 3 (RGB or HSV channels). "
                         f"Received: shape={x.shape.as_list()}")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: expected a float image (convert it with "
                        f"tf.image.convert_image_dtype). Received: dtype={x.dtype.name}")
    return x


def _mix(x, matrix):
    """Applies out[..., i] = sum_j matrix[i, j] * x[..., j]."""
    m = tf.constant(np.asarray(matrix).T, dtype=x.dtype)
    return tf.tensordot(x, m, axes=[[x.shape.rank - 1], [0]])


def rgb_to_yuv(images):
    """RGB (floats in [0, 1]) -> YUV."""
    return _mix(_float_image(images, "rgb_to_yuv"), _RGB_YUV)


def yuv_to_rgb(images):
    """YUV -> RGB."""
    return _mix(_float_image(images, "yuv_to_rgb"), np.linalg.inv(_RGB_YUV))


def rgb_to_yiq(images):
    """RGB -> YIQ (NTSC)."""
    return _mix(_float_image(images, "rgb_to_yiq"), _RGB_YIQ)


def yiq_to_rgb(images):
    """YIQ -> RGB."""
    return _mix(_float_image(images, "yiq_to_rgb"), np.linalg.inv(_RGB_YIQ))


def rgb_to_hsv(images, name=None):
    """RGB in [0, 1] -> HSV, all three in [0, 1].

    >>> rgb_to_hsv([[[0.0, 0.5, 0.5]]]).numpy().ravel().round(4).tolist()
    [0.5, 1.0, 0.5]
    """
    x = _float_image(images, "rgb_to_hsv")
    r, g, b = tf.unstack(x, axis=-1)
    v = tf.reduce_max(x, axis=-1)
    delta = v - tf.reduce_min(x, axis=-1)
    zero = tf.zeros_like(v)
    s = tf.where(v > 0, tf.math.divide_no_nan(delta, v), zero)
    safe = tf.where(delta > 0, delta, tf.ones_like(delta))
    hr = (g - b) / safe
    hg = (b - r) / safe + 2.0
    hb = (r - g) / safe + 4.0
    h = tf.where(tf.equal(v, r), hr, tf.where(tf.equal(v, g), hg, hb)) / 6.0
    h = tf.where(delta > 0, h, zero)
    h = tf.where(h < 0, h + 1.0, h)
    return tf.stack([h, s, v], axis=-1)


def hsv_to_rgb(images, name=None):
    """HSV -> RGB: channel n is v - v*s*clip(min(k, 4-k), 0, 1), k = (n + 6h) mod 6.

    >>> hsv_to_rgb([[[0.0, 1.0, 1.0]]]).numpy().ravel().tolist()
    [1.0, 0.0, 0.0]
    """
    x = _float_image(images, "hsv_to_rgb")
    h, s, v = tf.unstack(x, axis=-1)
    chans = []
    for n in (5.0, 3.0, 1.0):
        k = tf.math.floormod(n + h * 6.0, 6.0)
        f = tf.clip_by_value(tf.minimum(k, 4.0 - k), 0.0, 1.0)
        chans.append(v - v * s * f)
    return tf.stack(chans, axis=-1)


def rgb_to_grayscale(images, name=None):
    """Luma with weights (0.2989, 0.5870, 0.1140); keeps the dtype and a last dim of 1.

    >>> rgb_to_grayscale([[[1.0, 1.0, 1.0]]]).shape
    TensorShape([1, 1, 1])
    """
    x = tf.convert_to_tensor(images)
    if x.shape[-1] != 3:
        raise ValueError(f"rgb_to_grayscale: the last dimension must be 3. "
                         f"Received: shape={x.shape.as_list()}")
    f = convert_image_dtype(x, tf.float32)
    gray = tf.tensordot(f, tf.constant(_GRAY), axes=[[x.shape.rank - 1], [0]])
    return convert_image_dtype(tf.expand_dims(gray, -1), x.dtype)


def grayscale_to_rgb(images, name=None):
    """Repeats a single channel three times.

    >>> grayscale_to_rgb([[[0.5]]]).numpy().ravel().tolist()
    [0.5, 0.5, 0.5]
    """
    x = tf.convert_to_tensor(images)
    if x.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: the last dimension must be 1. "
                         f"Received: shape={x.shape.as_list()}")
    return tf.concat([x, x, x], axis=-1)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts between image dtypes, rescaling: floats are in [0, 1], integers in [0, MAX].

    >>> convert_image_dtype(tf.constant([255], tf.uint8), tf.float32).numpy().tolist()
    [1.0]
    """
    x = tf.convert_to_tensor(image)
    dtype = tf.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise AttributeError(f"convert_image_dtype: dtype must be a floating point or integer "
                             f"type. Received: dtype={dtype.name}")
    src = x.dtype
    if not (src.is_floating or src.is_integer):
        raise AttributeError(f"convert_image_dtype: image dtype must be a floating point or "
                             f"integer type. Received: image.dtype={src.name}")
    if src == dtype:
        return x
    cast = tf.saturate_cast if saturate else tf.cast
    if src.is_integer and dtype.is_integer:
        if src.max > dtype.max:
            scale = (int(src.max) + 1) // (int(dtype.max) + 1)
            return cast(tf.math.floordiv(x, tf.constant(scale, src)), dtype)
        scale = (int(dtype.max) + 1) // (int(src.max) + 1)
        return tf.cast(x, dtype) * tf.constant(scale, dtype)
    if src.is_floating and dtype.is_floating:
        return tf.cast(x, dtype)
    if src.is_integer:
        return tf.cast(x, dtype) * tf.constant(1.0 / float(src.max), dtype)
    return cast(x * tf.constant(float(dtype.max) + 0.5, src), dtype)


def _to_float(image):
    x = tf.convert_to_tensor(image)
    if x.dtype in (tf.float16, tf.float32):
        return x, x.dtype
    return convert_image_dtype(x, tf.float32), x.dtype


def _back(x, dtype):
    return convert_image_dtype(x, dtype, saturate=True)


def adjust_brightness(image, delta):
    """Adds `delta` (in float units, i.e. a fraction of the full range).

    >>> adjust_brightness([[[0.25]]], 0.5).numpy().ravel().tolist()
    [0.75]
    """
    x = tf.convert_to_tensor(image)
    orig = x.dtype
    f = x if orig.is_floating else convert_image_dtype(x, tf.float32)
    return _back(f + tf.cast(delta, f.dtype), orig)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, the mean taken per image and channel.

    >>> adjust_contrast([[[1.0], [3.0]]], 2.0).numpy().ravel().tolist()
    [0.0, 4.0]
    """
    x = tf.convert_to_tensor(images)
    orig = x.dtype
    f = x if orig.is_floating else convert_image_dtype(x, tf.float32)
    if f.shape.rank < 3:
        raise ValueError(f"adjust_contrast: images must be at least 3-D. "
                         f"Received: shape={f.shape.as_list()}")
    r = f.shape.rank
    mean = tf.reduce_mean(f, axis=[r - 3, r - 2], keepdims=True)
    y = (f - mean) * tf.cast(contrast_factor, f.dtype) + mean
    return _back(y, orig)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma (integer images work in [0, 1] floats).

    >>> adjust_gamma([[[0.5]]], gamma=2.0).numpy().ravel().tolist()
    [0.25]
    """
    f, orig = _to_float(image)
    g = tf.get_static_value(gamma) if tf.is_tensor(gamma) else gamma
    if g is not None and float(np.min(g)) < 0:
        raise ValueError(f"adjust_gamma: gamma should be a non-negative real number. "
                         f"Received: gamma={g}")
    y = tf.cast(gain, f.dtype) * tf.pow(f, tf.cast(gamma, f.dtype))
    return _back(y, orig)


def adjust_saturation(image, saturation_factor, name=None):
    """Scales HSV saturation by `saturation_factor` (clipped to [0, 1])."""
    f, orig = _to_float(image)
    hsv = rgb_to_hsv(tf.cast(f, tf.float32))
    h, s, v = tf.unstack(hsv, axis=-1)
    s = tf.clip_by_value(s * tf.cast(saturation_factor, tf.float32), 0.0, 1.0)
    rgb = hsv_to_rgb(tf.stack([h, s, v], axis=-1))
    return _back(tf.cast(rgb, f.dtype), orig)


def adjust_hue(image, delta, name=None):
    """Rotates HSV hue by `delta` (in [-1, 1]) turns."""
    d = tf.get_static_value(delta) if tf.is_tensor(delta) else delta
    if d is not None and not -1.0 <= float(d) <= 1.0:
        raise ValueError(f"adjust_hue: delta must be in the interval [-1, 1]. "
                         f"Received: delta={d}")
    f, orig = _to_float(image)
    hsv = rgb_to_hsv(tf.cast(f, tf.float32))
    h, s, v = tf.unstack(hsv, axis=-1)
    h = tf.math.floormod(h + tf.cast(delta, tf.float32), 1.0)
    rgb = hsv_to_rgb(tf.stack([h, s, v], axis=-1))
    return _back(tf.cast(rgb, f.dtype), orig)


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1/sqrt(N)) over each image's N = h*w*c values.

    >>> per_image_standardization([[[1.0], [3.0]]]).numpy().ravel().tolist()
    [-1.0, 1.0]
    """
    x = tf.convert_to_tensor(image)
    if x.shape.rank not in (3, 4):
        raise ValueError(f"per_image_standardization: image must be 3-D or 4-D. "
                         f"Received: shape={x.shape.as_list()}")
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    axes = [-3, -2, -1]
    n = int(np.prod(x.shape.as_list()[-3:]))
    mean = tf.reduce_mean(x, axis=axes, keepdims=True)
    std = tf.math.reduce_std(x, axis=axes, keepdims=True)
    adj = tf.maximum(std, tf.cast(1.0 / np.sqrt(n), x.dtype))
    return (x - mean) / adj
