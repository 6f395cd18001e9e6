"""Argument checks and layout helpers shared by the tf.image ops.

Images are `[height, width, channels]` or `[batch, height, width, channels]`;
ops work on the batched form and drop the batch dim again on the way out.

>>> import tapeflow as tf
>>> x, unbatched = as_batched(tf.zeros([2, 3, 1]), "resize")
>>> x.shape, unbatched
(TensorShape([1, 2, 3, 1]), True)
"""
from .. import _core as tf

__all__ = ["as_batched", "restore", "image_tensor", "static_hw", "check_channels"]


def image_tensor(image, op, name="image"):
    """`image` as a Tensor of rank 3 or 4 (ValueError naming `op` otherwise)."""
    x = tf.convert_to_tensor(image)
    if x.shape.rank not in (3, 4):
        raise ValueError(f"{op}: '{name}' must have either 3 or 4 dimensions "
                         f"([height, width, channels] or [batch, height, width, channels]). "
                         f"Received: {name}.shape={x.shape.as_list()}")
    return x


def as_batched(image, op, name="image"):
    """(4-D Tensor, was_unbatched)."""
    x = image_tensor(image, op, name)
    if x.shape.rank == 3:
        return tf.expand_dims(x, 0), True
    return x, False


def restore(x, unbatched):
    """Drops the batch dim `as_batched` added."""
    return tf.squeeze(x, 0) if unbatched else x


def static_hw(x):
    """(height, width) of a batched image."""
    return int(x.shape[1]), int(x.shape[2])


def check_channels(x, n, op):
    """ValueError unless the last dim of `x` is `n`."""
    if x.shape[-1] != n:
        raise ValueError(f"{op}: expected the last dimension of the image to be {n} "
                         f"(channels). Received: shape={x.shape.as_list()}")
