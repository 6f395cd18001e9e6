"""Merge: base of the layers combining a list of same-shaped tensors element-wise."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["Merge"]


class Merge(Layer):
    """Subclasses define `_merge(tensors)`; output masks are the AND of input masks."""

    min_inputs = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < self.min_inputs \
                or not all(isinstance(s, tf.TensorShape) for s in input_shape):
            raise ValueError(f"A `{type(self).__name__}` layer should be called on a list of "
                             f"at least {self.min_inputs} inputs. Received: "
                             f"input_shape={input_shape}")
        batch = {s[0] for s in input_shape if s.rank and s[0] is not None}
        if len(batch) > 1:
            raise ValueError("Cannot merge tensors with different batch sizes. Received "
                             f"tensors with shapes {[tuple(s.as_list()) for s in input_shape]}")
        self.built = True

    def call(self, inputs):
        return self._merge(list(inputs))

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = [m for m in mask if m is not None]
        out = masks[0]
        for m in masks[1:]:
            out = tf.logical_and(out, m)
        return out
