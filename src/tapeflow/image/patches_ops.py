"""`tf.image.extract_patches`: every `sizes` window (with `strides` and dilation
`rates`) flattened into the depth axis, row-major over (row, col, channel).

Two gathers with host-computed index grids (after zero padding for "SAME"),
so gradients flow through `tf.gather`.

>>> import tapeflow as tf
>>> x = tf.reshape(tf.range(16.), [1, 4, 4, 1])
>>> extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID").shape
TensorShape([1, 2, 2, 4])
"""
import numpy as np

from .. import _core as tf

__all__ = ["extract_patches"]


def _four(v, what):
    v = [int(i) for i in v]
    if len(v) != 4 or v[0] != 1 or v[3] != 1:
        raise ValueError(f"extract_patches: `{what}` must be [1, rows, cols, 1]. "
                         f"Received: {what}={v}")
    return v[1], v[2]


def _grid(n_in, k, s, r, padding):
    ke = (k - 1) * r + 1
    if padding == "VALID":
        n_out = max((n_in - ke) // s + 1, 0)
        before = 0
    else:
        n_out = -(-n_in // s)
        before = max((n_out - 1) * s + ke - n_in, 0) // 2
    idx = np.arange(n_out)[:, None] * s + np.arange(k)[None, :] * r
    after = max(int(idx.max(initial=-1)) + 1 - (n_in + before), 0)
    return idx.astype(np.int32), before, after


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """[b, out_rows, out_cols, rows * cols * depth] patches of a 4-D image batch."""
    x = tf.convert_to_tensor(images)
    if x.shape.rank != 4:
        raise ValueError(f"extract_patches: images must be 4-D. "
                         f"Received: shape={x.shape.as_list()}")
    padding = str(padding).upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"extract_patches: padding must be 'SAME' or 'VALID'. "
                         f"Received: padding={padding}")
    (kr, kc), (sr, sc), (rr, rc) = (_four(sizes, "sizes"), _four(strides, "strides"),
                                    _four(rates, "rates"))
    b, h, w, c = x.shape.as_list()
    iy, top, bottom = _grid(h, kr, sr, rr, padding)
    ix, left, right = _grid(w, kc, sc, rc, padding)
    if top or bottom or left or right:
        x = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
    y = tf.gather(x, tf.constant(iy), axis=1)          # b, oh, kr, W, c
    y = tf.gather(y, tf.constant(ix), axis=3)          # b, oh, kr, ow, kc, c
    y = tf.transpose(y, [0, 1, 3, 2, 4, 5])
    return tf.reshape(y, [b, iy.shape[0], ix.shape[0], kr * kc * c])
