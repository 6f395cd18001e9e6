"""Random augmentations (`tf.image.random_*`) and their stateless twins
(`tf.image.stateless_random_*`, fully determined by a shape-[2] seed).

Seeded ops draw from tapeflow's functionalized RNG state (`tf.random.uniform`
with the op seed), so they work eagerly and inside tf.function; stateless ops
use `tf.random.stateless_uniform`. Flips decide per image; brightness,
contrast, saturation and hue draw one factor for the whole tensor, as TF does.

>>> import tapeflow as tf
>>> stateless_random_brightness(tf.zeros([2, 2, 1]), 0.1, seed=[1, 2]).shape
TensorShape([2, 2, 1])
"""
from .. import _core as tf

from . import color_ops
from ._checks import as_batched, restore
from ..ops.dispatch import static_int_list

__all__ = ["random_flip_left_right", "random_flip_up_down", "random_crop",
           "random_brightness", "random_contrast", "random_saturation", "random_hue",
           "stateless_random_flip_left_right", "stateless_random_flip_up_down",
           "stateless_random_crop", "stateless_random_brightness",
           "stateless_random_contrast", "stateless_random_saturation",
           "stateless_random_hue"]


def _uniform(shape, lo, hi, seed, stateless, dtype=tf.float32):
    if stateless:
        return tf.random.stateless_uniform(shape, seed=seed, minval=lo, maxval=hi, dtype=dtype)
    return tf.random.uniform(shape, minval=lo, maxval=hi, dtype=dtype, seed=seed)


def _flip(image, axis, seed, stateless, op):
    x, unbatched = as_batched(image, op)
    coin = _uniform([int(x.shape[0])], 0.0, 1.0, seed, stateless) < 0.5
    flipped = tf.reverse(x, [axis])
    return restore(tf.where(tf.reshape(coin, [-1, 1, 1, 1]), flipped, x), unbatched)


def random_flip_left_right(image, seed=None):
    """Flips each image horizontally with probability 1/2."""
    return _flip(image, 2, seed, False, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Flips each image vertically with probability 1/2."""
    return _flip(image, 1, seed, False, "random_flip_up_down")


def stateless_random_flip_left_right(image, seed):
    """Horizontal flips with probability 1/2, determined by `seed`."""
    return _flip(image, 2, seed, True, "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed):
    """Vertical flips with probability 1/2, determined by `seed`."""
    return _flip(image, 1, seed, True, "stateless_random_flip_up_down")


def _crop(value, size, seed, stateless):
    x = tf.convert_to_tensor(value)
    size = static_int_list(size, "size")
    shape = x.shape.as_list()
    if len(size) != len(shape):
        raise ValueError(f"random_crop: `size` must have one entry per dimension of `value`. "
                         f"Received: size={size}, value.shape={shape}")
    if any(s > d or s < 0 for s, d in zip(size, shape)):
        raise ValueError(f"random_crop: need value.shape >= size, got shape={shape} and "
                         f"size={size}")
    limit = tf.constant([d - s + 1 for d, s in zip(shape, size)], tf.int32)
    u = _uniform([len(shape)], 0.0, 1.0, seed, stateless)
    offsets = tf.minimum(tf.cast(u * tf.cast(limit, tf.float32), tf.int32), limit - 1)
    for axis, (s, d) in enumerate(zip(size, shape)):
        if s != d:
            x = tf.gather(x, offsets[axis] + tf.range(s, dtype=tf.int32), axis=axis)
    return x


def random_crop(value, size, seed=None, name=None):
    """A uniformly placed `size` window of `value` (one offset per dimension)."""
    return _crop(value, size, seed, False)


def stateless_random_crop(value, size, seed, name=None):
    """`random_crop` determined by `seed`."""
    return _crop(value, size, seed, True)


def _check_range(lower, upper, op):
    if upper <= lower:
        raise ValueError(f"{op}: upper must be > lower. Received: lower={lower}, upper={upper}")
    if lower < 0:
        raise ValueError(f"{op}: lower must be non-negative. Received: lower={lower}")


def _brightness(image, max_delta, seed, stateless):
    if max_delta < 0:
        raise ValueError(f"random_brightness: max_delta must be non-negative. "
                         f"Received: max_delta={max_delta}")
    delta = _uniform([], -max_delta, max_delta, seed, stateless)
    return color_ops.adjust_brightness(image, delta)


def random_brightness(image, max_delta, seed=None):
    """Adds one delta drawn from [-max_delta, max_delta)."""
    return _brightness(image, max_delta, seed, False)


def stateless_random_brightness(image, max_delta, seed):
    """`random_brightness` determined by `seed`."""
    return _brightness(image, max_delta, seed, True)


def random_contrast(image, lower, upper, seed=None):
    """`adjust_contrast` with a factor drawn from [lower, upper)."""
    _check_range(lower, upper, "random_contrast")
    return color_ops.adjust_contrast(image, _uniform([], lower, upper, seed, False))


def stateless_random_contrast(image, lower, upper, seed):
    """`random_contrast` determined by `seed`."""
    _check_range(lower, upper, "stateless_random_contrast")
    return color_ops.adjust_contrast(image, _uniform([], lower, upper, seed, True))


def random_saturation(image, lower, upper, seed=None):
    """`adjust_saturation` with a factor drawn from [lower, upper)."""
    _check_range(lower, upper, "random_saturation")
    return color_ops.adjust_saturation(image, _uniform([], lower, upper, seed, False))


def stateless_random_saturation(image, lower, upper, seed=None):
    """`random_saturation` determined by `seed`."""
    _check_range(lower, upper, "stateless_random_saturation")
    return color_ops.adjust_saturation(image, _uniform([], lower, upper, seed, True))


def _hue_delta(max_delta, op):
    if max_delta > 0.5:
        raise ValueError(f"{op}: max_delta must be <= 0.5. Received: max_delta={max_delta}")
    if max_delta < 0:
        raise ValueError(f"{op}: max_delta must be non-negative. Received: max_delta={max_delta}")


def random_hue(image, max_delta, seed=None):
    """`adjust_hue` with a delta drawn from [-max_delta, max_delta); max_delta <= 0.5."""
    _hue_delta(max_delta, "random_hue")
    return color_ops.adjust_hue(image, _uniform([], -max_delta, max_delta, seed, False))


def stateless_random_hue(image, max_delta, seed):
    """`random_hue` determined by `seed`."""
    _hue_delta(max_delta, "stateless_random_hue")
    return color_ops.adjust_hue(image, _uniform([], -max_delta, max_delta, seed, True))
