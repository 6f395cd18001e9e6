"""Concatenate: joins a list of inputs along `axis` (the last by default)."""
import tapeflow as tf

from .base_merge import Merge

__all__ = ["Concatenate", "concatenate"]


class Concatenate(Merge):
    """All inputs must agree on every axis except `axis`."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1:
            raise ValueError("A `Concatenate` layer should be called on a list of at least 1 "
                             f"input. Received: input_shape={input_shape}")
        shapes = [s.as_list() for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        for s in shapes[1:]:
            ok = len(s) == rank and all(a is None or b is None or a == b for i, (a, b) in
                                        enumerate(zip(shapes[0], s)) if i != axis)
            if not ok:
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                                 "except for the concatenation axis. Received: input_shape="
                                 f"{[tuple(x) for x in shapes]}")
        self.built = True

    def _merge(self, tensors):
        return tf.concat(tensors, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form: `Concatenate(axis=axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
