"""AdditiveAttention: Bahdanau-style attention, `scores = sum(scale * tanh(query + key))`.

`use_scale=True` (default) learns a per-feature `scale` vector.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> q = tf.ones((1, 2, 3))
>>> keras.layers.AdditiveAttention()([q, q]).shape
TensorShape([1, 2, 3])
"""
import tapeflow as tf

from .base_dense_attention import BaseDenseAttention

__all__ = ["AdditiveAttention"]


class AdditiveAttention(BaseDenseAttention):
    """Additive attention layer (`use_scale` learns the `scale` vector)."""

    def __init__(self, use_scale=True, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape):
        dim = tf.TensorShape(input_shape[0])[-1]
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight("scale", shape=[dim], initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        t = tf.tanh(tf.expand_dims(query, -2) + tf.expand_dims(key, -3))
        if self.scale is not None:
            t = self.scale * t
        return tf.reduce_sum(t, -1)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale}
