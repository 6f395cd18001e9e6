"""ActivityRegularization: identity that adds l1/l2 penalties of its input to `losses`."""
from ... import regularizers
from ..layer import Layer

__all__ = ["ActivityRegularization"]


class ActivityRegularization(Layer):
    """Returns its input; adds `(l1 * sum|x| + l2 * sum x^2) / batch_size` to losses."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def get_config(self):
        config = super().get_config()
        return {**config, "l1": self.l1, "l2": self.l2}
