"""Attention: dot-product (Luong-style) attention, `scores = query @ key^T`.

`use_scale=True` adds a trainable scalar `scale` multiplying the scores;
`score_mode="concat"` scores with `sum(tanh(query + key))` instead (times the
trainable `concat_score_weight`).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> q = tf.constant([[[1.0, 0.0]]])
>>> v = tf.constant([[[1.0, 0.0], [0.0, 1.0]]])
>>> keras.layers.Attention()([q, v]).numpy().round(3)
array([[[0.731, 0.269]]], dtype=float32)
"""
import tapeflow as tf

from .base_dense_attention import BaseDenseAttention

__all__ = ["Attention"]


class Attention(BaseDenseAttention):
    """Dot-product attention layer (`use_scale`, `score_mode` "dot" or "concat")."""

    def __init__(self, use_scale=False, score_mode="dot", **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Received: score_mode={score_mode}. Acceptable values are: "
                             '["dot", "concat"]')
        self.use_scale = use_scale
        self.score_mode = score_mode

    def build(self, input_shape):
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight("scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight("concat_score_weight", shape=(),
                                                       initializer="ones")
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = tf.matmul(query, key, transpose_b=True)
            return scores if self.scale is None else scores * self.scale
        summed = tf.expand_dims(query, -2) + tf.expand_dims(key, -3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * tf.reduce_sum(tf.tanh(summed), -1)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode}
