"""Geometry without resampling: flips, rotations by 90 degrees, transpose,
crops and pads (`tf.image.flip_left_right`, `crop_to_bounding_box`, ...).

All of them are slices, reverses, transposes and pads of tapeflow ops, so
they differentiate through those ops' rules and keep the image dtype.

>>> import tapeflow as tf
>>> flip_left_right(tf.reshape(tf.range(4), [1, 4, 1])).numpy().ravel().tolist()
[3, 2, 1, 0]
"""
from .. import _core as tf

from ._checks import as_batched, restore, static_hw

__all__ = ["flip_left_right", "flip_up_down", "rot90", "transpose", "central_crop",
           "crop_to_bounding_box", "pad_to_bounding_box", "resize_with_crop_or_pad"]


def flip_left_right(image):
    """Reverses the width axis.

    >>> flip_left_right([[[1], [2]]]).numpy().ravel().tolist()
    [2, 1]
    """
    x, unbatched = as_batched(image, "flip_left_right")
    return restore(tf.reverse(x, [2]), unbatched)


def flip_up_down(image):
    """Reverses the height axis.

    >>> flip_up_down([[[1]], [[2]]]).numpy().ravel().tolist()
    [2, 1]
    """
    x, unbatched = as_batched(image, "flip_up_down")
    return restore(tf.reverse(x, [1]), unbatched)


def transpose(image, name=None):
    """Swaps height and width.

    >>> transpose(tf.zeros([2, 3, 1])).shape
    TensorShape([3, 2, 1])
    """
    x, unbatched = as_batched(image, "transpose")
    return restore(tf.transpose(x, [0, 2, 1, 3]), unbatched)


def rot90(image, k=1, name=None):
    """Rotates counter-clockwise by `k` quarter turns.

    >>> rot90([[[1], [2]], [[3], [4]]]).numpy()[..., 0].tolist()
    [[2, 4], [1, 3]]
    """
    x, unbatched = as_batched(image, "rot90")
    k = int(tf.get_static_value(k) if tf.is_tensor(k) else k) % 4
    if k == 1:
        x = tf.reverse(tf.transpose(x, [0, 2, 1, 3]), [1])
    elif k == 2:
        x = tf.reverse(x, [1, 2])
    elif k == 3:
        x = tf.reverse(tf.transpose(x, [0, 2, 1, 3]), [2])
    return restore(x, unbatched)


def _box(image, op, offset_height, offset_width, target_height, target_width):
    """(batched image, unbatched?, box dict of ints, height, width); checks the offsets."""
    x, unbatched = as_batched(image, op)
    a = {k: int(tf.get_static_value(v) if tf.is_tensor(v) else v) for k, v in (
        ("offset_height", offset_height), ("offset_width", offset_width),
        ("target_height", target_height), ("target_width", target_width))}
    if a["offset_height"] < 0 or a["offset_width"] < 0:
        raise ValueError(f"{op}: offsets must be >= 0. Received: {a}")
    return (x, unbatched, a) + static_hw(x)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The `target_height` x `target_width` window whose top-left corner is at the offsets.

    >>> crop_to_bounding_box(tf.zeros([4, 4, 1]), 1, 1, 2, 3).shape
    TensorShape([2, 3, 1])
    """
    x, unbatched, a, h, w = _box(image, "crop_to_bounding_box", offset_height, offset_width,
                                 target_height, target_width)
    if a["target_height"] <= 0 or a["target_width"] <= 0:
        raise ValueError(f"crop_to_bounding_box: target sizes must be > 0. Received: {a}")
    if a["offset_height"] + a["target_height"] > h or a["offset_width"] + a["target_width"] > w:
        raise ValueError(f"crop_to_bounding_box: the box does not fit in the image of height "
                         f"{h} and width {w}. Received: {a}")
    y = x[:, a["offset_height"]:a["offset_height"] + a["target_height"],
          a["offset_width"]:a["offset_width"] + a["target_width"], :]
    return restore(y, unbatched)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pads to `target_height` x `target_width`, the image's top-left at the offsets.

    >>> pad_to_bounding_box(tf.ones([1, 1, 1]), 1, 0, 2, 2).numpy()[..., 0].tolist()
    [[0.0, 0.0], [1.0, 0.0]]
    """
    x, unbatched, a, h, w = _box(image, "pad_to_bounding_box", offset_height, offset_width,
                                 target_height, target_width)
    bottom = a["target_height"] - a["offset_height"] - h
    right = a["target_width"] - a["offset_width"] - w
    if bottom < 0 or right < 0:
        raise ValueError(f"pad_to_bounding_box: the image of height {h} and width {w} does "
                         f"not fit in the target box. Received: {a}")
    y = tf.pad(x, [[0, 0], [a["offset_height"], bottom], [a["offset_width"], right], [0, 0]])
    return restore(y, unbatched)


def central_crop(image, central_fraction):
    """The central `central_fraction` (in (0, 1]) of each spatial dim.

    >>> central_crop(tf.zeros([4, 8, 1]), 0.5).shape
    TensorShape([2, 4, 1])
    """
    f = float(central_fraction)
    if not 0.0 < f <= 1.0:
        raise ValueError(f"central_fraction must be within (0, 1]. "
                         f"Received: central_fraction={central_fraction}")
    x, unbatched = as_batched(image, "central_crop")
    if f == 1.0:
        return restore(x, unbatched)
    h, w = static_hw(x)
    oh = int((h - h * f) / 2)
    ow = int((w - w * f) / 2)
    return restore(x[:, oh:h - oh, ow:w - ow, :], unbatched)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops and/or zero-pads each spatial dim to the target size.

    >>> resize_with_crop_or_pad(tf.zeros([3, 5, 1]), 4, 2).shape
    TensorShape([4, 2, 1])
    """
    x, unbatched = as_batched(image, "resize_with_crop_or_pad")
    th, tw = int(target_height), int(target_width)
    if th <= 0 or tw <= 0:
        raise ValueError(f"resize_with_crop_or_pad: target sizes must be > 0. Received: "
                         f"target_height={th}, target_width={tw}")
    h, w = static_hw(x)
    off_ch, off_cw = max((h - th) // 2, 0), max((w - tw) // 2, 0)
    off_ph, off_pw = max((th - h) // 2, 0), max((tw - w) // 2, 0)
    y = crop_to_bounding_box(x, off_ch, off_cw, min(th, h), min(tw, w))
    y = pad_to_bounding_box(y, off_ph, off_pw, th, tw)
    return restore(y, unbatched)
