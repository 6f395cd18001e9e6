"""UnitNormalization: scales each sample to unit L2 norm along `axis`."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["UnitNormalization"]


class UnitNormalization(Layer):
    """`x / ||x||` along `axis` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.supports_masking = True

    def call(self, inputs):
        return tf.nn.l2_normalize(inputs, axis=self.axis, epsilon=1e-12)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
