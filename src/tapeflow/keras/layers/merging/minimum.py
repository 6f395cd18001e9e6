"""Minimum: Element-wise minimum of a list of inputs. `Minimum()([a, b])`, or `minimum([a, b])`."""
import tapeflow as tf  # noqa: F401

from .base_merge import Merge

__all__ = ["Minimum", "minimum"]


class Minimum(Merge):
    """Element-wise minimum of a list of inputs."""

    def _merge(self, tensors):
        out = tensors[0]
        for x in tensors[1:]:
            out = tf.minimum(out, x)
        return out


def minimum(inputs, **kwargs):
    """Functional form: `Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)
