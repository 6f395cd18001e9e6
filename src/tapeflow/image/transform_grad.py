"""Gradient rule of `ImageProjectiveTransformV3` (transform_ops.affine_transform).

The warp is linear in the image: each output pixel is a weighted sum of at
most four input pixels. The gradient w.r.t. the image sums the output
gradient, times those weights, into the sampled pixels (a segment sum, i.e.
the transpose of the gather); the transforms and fill value get none, as in TF.
"""
from .. import _core as tf

from ..ops.dispatch import wrap
from .transform_ops import sampling_plan


@tf.RegisterGradient("ImageProjectiveTransformV3")
def _image_projective_transform_grad(op, grad):
    images, transforms = op.inputs[0], op.inputs[1]
    b, h, w, c = images.shape.as_list()
    a = op.attrs
    idx, wts, _ = sampling_plan(transforms._value, b, h, w, a["out_hw"], a["interpolation"],
                                a["fill_mode"])
    idx, wts = wrap(idx), wrap(wts)
    g = tf.cast(grad, tf.float32)
    contrib = tf.expand_dims(wts, -1) * tf.expand_dims(g, -2)       # b, oh, ow, k, c
    flat = tf.math.unsorted_segment_sum(tf.reshape(contrib, [-1, c]), tf.reshape(idx, [-1]),
                                        b * h * w)
    gi = tf.reshape(flat, [b, h, w, c])
    if images.dtype != tf.float32:
        gi = tf.cast(gi, images.dtype) if images.dtype.is_floating else None
    return gi, None, None
