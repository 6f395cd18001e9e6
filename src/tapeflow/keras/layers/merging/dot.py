"""Dot: per-sample dot products along `axes` of two inputs. `Dot(axes=1)([a, b])`."""
import tapeflow as tf

from .base_merge import Merge

__all__ = ["Dot", "dot"]

_LETTERS = "bcdefghijklmnopqrstuvwxyz"


class Dot(Merge):
    """(batch, n) . (batch, n) -> (batch, 1); with `normalize`, cosine similarity."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = False

    def _axes(self, x, y):
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        return axes[0] % x.shape.rank, axes[1] % y.shape.rank

    def _merge(self, tensors):
        if len(tensors) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: "
                             f"{len(tensors)} inputs")
        x, y = tensors
        ax, ay = self._axes(x, y)
        if self.normalize:
            x = tf.nn.l2_normalize(x, axis=ax)
            y = tf.nn.l2_normalize(y, axis=ay)
        xs = "a" + _LETTERS[:x.shape.rank - 1]
        ys = "a" + _LETTERS[x.shape.rank - 1:x.shape.rank + y.shape.rank - 2]
        ys = ys[:ay] + xs[ax] + ys[ay + 1:]
        out = "a" + "".join(c for c in xs[1:] if c != xs[ax]) + "".join(
            c for c in ys[1:] if c != xs[ax])
        result = tf.einsum(f"{xs},{ys}->{out}", x, y)
        if len(out) == 1:
            result = tf.expand_dims(result, 1)
        return result

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form: `Dot(axes, normalize, **kwargs)(inputs)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
