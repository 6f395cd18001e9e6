"""What the image preprocessing layers share: float conversion, seeded draws,
factor parsing, `smart_resize`, and the base of the affine augmentation layers.

Images are `[h, w, c]` or `[batch, h, w, c]` (channels last); layers cast
them to their compute dtype like tf.keras 2.15. Random draws come from
`tf.random.uniform` with the layer's seed (tapeflow's functionalized RNG
state), so the layers work eagerly, in `fit`, and in compiled `Dataset.map`s.

>>> import tapeflow as tf
>>> smart_resize(tf.zeros([4, 8, 3]), [2, 2]).shape
TensorShape([2, 2, 3])
"""
import numbers

import numpy as np

import tapeflow as tf

from ....framework.dynamic_shape import DynamicShapeError
from ....image.transform_ops import affine_transform, check_modes
from ..layer import Layer
from ....image.resize_ops import _METHODS
from ...keras_tensor import KerasTensor, Node

__all__ = ["ImageLayer", "AffineImageLayer", "RandomResizeLayer", "smart_resize",
           "parse_factor", "check_unit_range"]


def smart_resize(x, size, interpolation="bilinear"):
    """Resizes to `size` after centrally cropping to the target aspect ratio.

    >>> smart_resize(tf.ones([3, 6, 1]), [2, 2]).shape
    TensorShape([2, 2, 1])
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank not in (3, 4):
        raise ValueError(f"smart_resize: expected an image array of rank 3 (single image) or "
                         f"4 (batch of images). Received: shape={x.shape.as_list()}")
    th, tw = int(size[0]), int(size[1])
    h, w = int(x.shape[-3]), int(x.shape[-2])
    ch = min(h, int(float(w * th) / tw))
    cw = min(w, int(float(h * tw) / th))
    top, left = int(float(h - ch) / 2), int(float(w - cw) / 2)
    x = x[..., top:top + ch, left:left + cw, :]
    return tf.image.resize(x, [th, tw], method=interpolation)


def parse_factor(factor, name, symmetric=True):
    """`factor` (a number or a pair) -> (lower, upper); a number f means (-f, f)
    (or (f, f) when not `symmetric`)."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"`{name}` must be a number or a tuple of two numbers. "
                             f"Received: {name}={factor}")
        return float(factor[0]), float(factor[1])
    if not isinstance(factor, numbers.Real):
        raise ValueError(f"`{name}` must be a number or a tuple of two numbers. "
                         f"Received: {name}={factor!r}")
    f = float(factor)
    return (-f, f) if symmetric else (f, f)


def check_unit_range(lower, upper, factor, name):
    if upper < lower:
        raise ValueError(f"`{name}` cannot have upper bound less than lower bound. "
                         f"Received: {name}={factor}")
    if abs(lower) > 1.0 or abs(upper) > 1.0:
        raise ValueError(f"`{name}` argument must have values between [-1, 1]. "
                         f"Received: {name}={factor}")


class ImageLayer(Layer):
    """Base of the image preprocessing layers (float conversion and seeded draws).

    Random layers keep `seed` in their config; layers with a fixed output size
    set `height` and `width`, which `compute_output_shape` reports.
    """

    _random = True

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def _float(self, inputs):
        x = tf.convert_to_tensor(inputs)
        if x.shape.rank not in (3, 4):
            raise ValueError(f"Layer {self.name} expects images of rank 3 ([h, w, c]) or 4 "
                             f"([batch, h, w, c]). Received: shape={x.shape.as_list()}")
        return x if x.dtype.name == self._dtype else tf.cast(x, self._dtype)

    def _uniform(self, shape, lower, upper):
        return tf.random.uniform(shape, minval=lower, maxval=upper, seed=self.seed)

    @staticmethod
    def _on_batch(x, fn):
        """`fn` on a [batch, h, w, c] view of `x` (a single image gets a batch of 1)."""
        if x.shape.rank == 4:
            return fn(x)
        return tf.squeeze(fn(tf.expand_dims(x, 0)), 0)

    def compute_output_shape(self, input_shape):
        s = tf.TensorShape(input_shape).as_list()
        if hasattr(self, "height") and hasattr(self, "width"):
            s[-3:-1] = [self.height, self.width]
        return tf.TensorShape(s)

    def get_config(self):
        config = super().get_config()
        if hasattr(self, "height") and hasattr(self, "width"):
            config.update(height=self.height, width=self.width)
        return {**config, "seed": self.seed} if self._random else config


class AffineImageLayer(ImageLayer):
    """Base of RandomRotation/Zoom/Translation: one projective warp per image."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_modes(interpolation, fill_mode)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def _transforms(self, batch, height, width):
        """[batch, 8] output-to-input transforms for this call."""
        raise NotImplementedError

    def _augment(self, x):
        b, h, w = (int(d) for d in x.shape.as_list()[:3])
        return affine_transform(x, self._transforms(b, h, w), self.interpolation,
                                self.fill_mode, self.fill_value)

    def call(self, inputs, training=True):
        x = self._float(inputs)
        return self._on_batch(x, self._augment) if training else x

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "interpolation": self.interpolation}


class RandomResizeLayer(ImageLayer):
    """Base of RandomHeight (`_axis` 0) and RandomWidth (`_axis` 1).

    The new size is drawn per call, so the output shape is only known when the layer
    runs: eagerly it resizes; in a trace it raises `DynamicShapeError`, which
    tf.function, `Dataset.map` and `fit` catch to run the Python eagerly instead (see
    the package README). The scale is TF's: `int(float32(U(1+lower, 1+upper)) * size)`.
    """

    _axis = 0
    _draws_output_shape = True  # read by keras fit: its train step then runs eagerly

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if interpolation not in _METHODS:
            raise NotImplementedError(f"Value not recognized for `interpolation`: "
                                      f"{interpolation}. Supported values are: "
                                      f"{list(_METHODS)}")
        self.factor, self.interpolation = factor, interpolation
        self.lower, self.upper = parse_factor(factor, "factor")
        if self.upper < self.lower:
            raise ValueError(f"`factor` argument cannot have an upper bound lesser than the "
                             f"lower bound. Received: factor={factor}")
        if self.lower < -1.0 or self.upper < -1.0:
            raise ValueError(f"`factor` argument must have values larger than -1. "
                             f"Received: factor={factor}")

    def call(self, inputs, training=True):
        x = self._float(inputs)
        if not training:
            return x
        size = [int(x.shape[-3]), int(x.shape[-2])]
        size[self._axis] = self._draw_length(size[self._axis])
        return tf.cast(tf.image.resize(x, size, method=self.interpolation), self._dtype)

    def _draw_length(self, length):
        """The new height (or width): one seeded draw, computed in float32 like TF."""
        scale = None
        if tf.executing_eagerly():
            scale = tf.get_static_value(self._uniform([], 1.0 + self.lower, 1.0 + self.upper))
        if scale is None:
            which = ("height", "width")[self._axis]
            raise DynamicShapeError(
                f"Layer {self.name} draws its output {which} on every call, so it cannot run "
                f"inside a compiled function (tf.function, jit_compile): XLA programs have "
                f"static shapes; tf.function, Dataset.map and Model.fit then run it eagerly.")
        return max(int(np.float32(scale) * np.float32(length)), 1)

    def _symbolic_call(self, inputs, rest, kwargs, training, params):
        self._maybe_build(inputs)
        out = KerasTensor(self.compute_output_shape(inputs.shape), self._dtype)
        Node(self, (inputs,) + tuple(rest), {}, out)
        return out

    def compute_output_shape(self, input_shape):
        s = tf.TensorShape(input_shape).as_list()
        s[len(s) - 3 + self._axis] = None
        return tf.TensorShape(s)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "interpolation": self.interpolation}
