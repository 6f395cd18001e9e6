"""Maximum: Element-wise maximum of a list of inputs. `Maximum()([a, b])`, or `maximum([a, b])`."""
import tapeflow as tf  # noqa: F401

from .base_merge import Merge

__all__ = ["Maximum", "maximum"]


class Maximum(Merge):
    """Element-wise maximum of a list of inputs."""

    def _merge(self, tensors):
        out = tensors[0]
        for x in tensors[1:]:
            out = tf.maximum(out, x)
        return out


def maximum(inputs, **kwargs):
    """Functional form: `Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)
