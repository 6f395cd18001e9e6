"""Image quality measures and filters: `total_variation`, `psnr`, `ssim`,
`ssim_multiscale`, `sobel_edges`, `image_gradients`.

SSIM follows Wang et al. (2004) with an 11x11 Gaussian window (sigma 1.5),
VALID filtering, K1 = 0.01, K2 = 0.03, averaged over space then channels;
the multiscale version halves the images with 2x2 average pooling
(symmetric-padding odd sizes) and weights the scales by `power_factors`.
Integer images are rescaled to [0, 1] together with `max_val`. All built
from tapeflow ops, so they differentiate.

>>> import tapeflow as tf
>>> round(float(psnr(tf.zeros([4, 4, 1]), tf.fill([4, 4, 1], 0.1), max_val=1.0)), 3)
20.0
"""
import numpy as np

from .. import _core as tf

from .color_ops import convert_image_dtype

__all__ = ["total_variation", "psnr", "ssim", "ssim_multiscale", "sobel_edges",
           "image_gradients"]

_MS_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def total_variation(images, name=None):
    """Sum of absolute differences of neighbouring pixels: per image for a batch.

    >>> float(total_variation(tf.constant([[[0.], [1.]], [[2.], [3.]]])))
    6.0
    """
    x = tf.convert_to_tensor(images)
    if x.shape.rank == 3:
        axes = None
    elif x.shape.rank == 4:
        axes = [1, 2, 3]
    else:
        raise ValueError(f"total_variation: 'images' must be either 3 or 4-dimensional. "
                         f"Received: shape={x.shape.as_list()}")
    dy = x[..., 1:, :, :] - x[..., :-1, :, :]
    dx = x[..., :, 1:, :] - x[..., :, :-1, :]
    return tf.reduce_sum(tf.abs(dy), axis=axes) + tf.reduce_sum(tf.abs(dx), axis=axes)


def _float_pair(a, b, max_val, op):
    a, b = tf.convert_to_tensor(a), tf.convert_to_tensor(b)
    if a.dtype != b.dtype:
        raise TypeError(f"{op}: both images must have the same dtype. "
                        f"Received: {a.dtype.name} and {b.dtype.name}")
    if a.shape.rank is not None and a.shape.rank < 3:
        raise ValueError(f"{op}: images must be at least 3-D. Received: shape={a.shape}")
    mv = convert_image_dtype(tf.cast(max_val, a.dtype), tf.float32)
    return convert_image_dtype(a, tf.float32), convert_image_dtype(b, tf.float32), mv


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB per image: 10 log10(max_val^2 / MSE)."""
    a, b, mv = _float_pair(a, b, max_val, "psnr")
    mse = tf.reduce_mean(tf.square(a - b), axis=[-3, -2, -1])
    return (20.0 * tf.math.log(mv) - 10.0 * tf.math.log(mse)) / np.log(10.0)


def _gauss(size, sigma):
    c = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-c * c / (2.0 * sigma * sigma))
    g /= g.sum()
    return g.astype(np.float32)


def _blur(x, g):
    """VALID separable Gaussian filter over the two spatial dims of [..., h, w, c]."""
    n, h, w = len(g), int(x.shape[-3]), int(x.shape[-2])
    wh = np.zeros((h - n + 1, h), np.float32)
    ww = np.zeros((w - n + 1, w), np.float32)
    for i in range(h - n + 1):
        wh[i, i:i + n] = g
    for i in range(w - n + 1):
        ww[i, i:i + n] = g
    x = tf.einsum("ih,...hwc->...iwc", tf.constant(wh), x)
    return tf.einsum("jw,...hwc->...hjc", tf.constant(ww), x)


def _ssim_parts(x, y, mv, filter_size, filter_sigma, k1, k2):
    h, w = int(x.shape[-3]), int(x.shape[-2])
    if h < filter_size or w < filter_size:
        raise ValueError(f"ssim: the images (height {h}, width {w}) must be at least "
                         f"filter_size={filter_size} in each spatial dimension.")
    g = _gauss(filter_size, filter_sigma)
    c1, c2 = tf.square(k1 * mv), tf.square(k2 * mv)
    mx, my = _blur(x, g), _blur(y, g)
    num0 = mx * my * 2.0
    den0 = tf.square(mx) + tf.square(my)
    lum = (num0 + c1) / (den0 + c1)
    num1 = _blur(x * y, g) * 2.0
    den1 = _blur(tf.square(x) + tf.square(y), g)
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return lum * cs, cs


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """Structural similarity per image (identical images give 1.0).

    >>> x = tf.random.stateless_uniform([16, 16, 1], seed=[1, 2])
    >>> round(float(ssim(x, x, max_val=1.0)), 4)
    1.0
    """
    x, y, mv = _float_pair(img1, img2, max_val, "ssim")
    smap, _ = _ssim_parts(x, y, mv, int(filter_size), filter_sigma, k1, k2)
    if return_index_map:
        return tf.reduce_mean(smap, axis=-1)
    return tf.reduce_mean(tf.reduce_mean(smap, axis=[-3, -2]), axis=-1)


def _halve(x):
    h, w = int(x.shape[-3]), int(x.shape[-2])
    rank = x.shape.rank
    pads = [[0, 0]] * (rank - 3) + [[0, h % 2], [0, w % 2], [0, 0]]
    if h % 2 or w % 2:
        x = tf.pad(x, pads, mode="SYMMETRIC")
    shape = x.shape.as_list()
    x4 = tf.reshape(x, [-1] + shape[-3:])
    y = tf.nn.avg_pool2d(x4, 2, 2, "VALID")
    return tf.reshape(y, shape[:-3] + y.shape.as_list()[1:])


def ssim_multiscale(img1, img2, max_val, power_factors=_MS_WEIGHTS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """Multi-scale SSIM per image (Wang, Simoncelli and Bovik, 2003)."""
    x, y, mv = _float_pair(img1, img2, max_val, "ssim_multiscale")
    factors = [float(p) for p in power_factors]
    values = []
    for i in range(len(factors)):
        if i:
            x, y = _halve(x), _halve(y)
        smap, cs = _ssim_parts(x, y, mv, int(filter_size), filter_sigma, k1, k2)
        v = smap if i == len(factors) - 1 else cs
        values.append(tf.nn.relu(tf.reduce_mean(v, axis=[-3, -2])))
    stacked = tf.stack(values, axis=-1)
    weighted = tf.pow(stacked, tf.constant(factors, tf.float32))
    return tf.reduce_mean(tf.reduce_prod(weighted, axis=-1), axis=-1)


def sobel_edges(image):
    """[b, h, w, c, 2] Sobel responses (dy, dx), REFLECT-padded like TF.

    >>> sobel_edges(tf.zeros([1, 3, 3, 1])).shape
    TensorShape([1, 3, 3, 1, 2])
    """
    x = tf.convert_to_tensor(image)
    if x.shape.rank != 4:
        raise ValueError(f"sobel_edges: image must be 4-D [batch, h, w, d]. "
                         f"Received: shape={x.shape.as_list()}")
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    p = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    h, w = int(x.shape[1]), int(x.shape[2])

    def win(i, j):
        return p[:, i:i + h, j:j + w, :]
    dy = (win(2, 0) + 2.0 * win(2, 1) + win(2, 2)) - (win(0, 0) + 2.0 * win(0, 1) + win(0, 2))
    dx = (win(0, 2) + 2.0 * win(1, 2) + win(2, 2)) - (win(0, 0) + 2.0 * win(1, 0) + win(2, 0))
    return tf.stack([dy, dx], axis=-1)


def image_gradients(image):
    """(dy, dx): forward differences, zero in the last row / column.

    >>> dy, dx = image_gradients(tf.reshape(tf.range(4.), [1, 2, 2, 1]))
    >>> dy.numpy().ravel().tolist(), dx.numpy().ravel().tolist()
    ([2.0, 2.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0])
    """
    x = tf.convert_to_tensor(image)
    if x.shape.rank != 4:
        raise ValueError(f"image_gradients requires a 4-D input (batch, height, width, "
                         f"depth). Received: shape={x.shape.as_list()}")
    dy = tf.pad(x[:, 1:] - x[:, :-1], [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = tf.pad(x[:, :, 1:] - x[:, :, :-1], [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx
