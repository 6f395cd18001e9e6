"""BaseDenseAttention: the shared call of Attention and AdditiveAttention.

`call([query, value(, key)], mask=[query_mask, value_mask])` scores every
query step against every key step (`_calculate_scores`, defined by the
subclass), masks padded value steps (and future steps with
`use_causal_mask`), softmaxes, applies dropout in training, and returns the
weighted sum of values, zeroed at padded query steps.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> q = tf.ones((1, 2, 3))
>>> keras.layers.Attention()([q, q]).shape
TensorShape([1, 2, 3])
"""
import tapeflow as tf

from .. import call_context
from ..layer import Layer
from ..rnn.ragged_inputs import padded_steps, ragged_like
from .masking import causal_mask, masked_softmax

__all__ = ["BaseDenseAttention"]


def _dense(mask):
    return mask.to_tensor() if isinstance(mask, tf.RaggedTensor) else mask


class BaseDenseAttention(Layer):
    """Dense attention over `[query, value]` or `[query, value, key]` (see module doc)."""

    def __init__(self, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.dropout = dropout
        self.supports_masking = True

    def _unpack(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            got = len(inputs) if isinstance(inputs, (list, tuple)) else type(inputs).__name__
            raise ValueError(f"{type(self).__name__} layer {self.name!r} must be called on a "
                             "list of inputs, namely [query, value] or [query, value, key]. "
                             f"Received: {got}.")
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) == 3 else v
        qs, vs, ks = (x.shape.as_list() for x in (q, v, k))
        if qs[0] != vs[0] or vs[:-1] != ks[:-1]:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: query, value and "
                             f"key must share the batch size and value/key the time steps. "
                             f"Received: query shape={tuple(qs)}, value shape={tuple(vs)}, "
                             f"key shape={tuple(ks)}")
        return q, v, k

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):
        if any(isinstance(x, tf.RaggedTensor) for x in inputs):
            return self._call_ragged(inputs, mask, training, return_attention_scores,
                                     use_causal_mask)
        q, v, k = self._unpack(inputs)
        q_mask = v_mask = None
        if mask is not None:
            if not isinstance(mask, (list, tuple)) or len(mask) not in (2, 3):
                raise ValueError(f"{type(self).__name__} layer {self.name!r}: `mask` must be "
                                 "a list of 2 or 3 masks [query_mask, value_mask]. Received: "
                                 f"{mask}")
            q_mask, v_mask = mask[0], mask[1]
        scores = self._calculate_scores(q, k)
        keep = None
        if v_mask is not None:
            keep = tf.expand_dims(tf.cast(v_mask, tf.bool), -2)
        if use_causal_mask:
            causal = causal_mask(scores.shape[-2], scores.shape[-1])
            keep = causal if keep is None else tf.logical_and(keep, causal)
        weights = masked_softmax(scores, keep)
        if training and self.dropout > 0:
            weights = tf.nn.dropout(weights, rate=self.dropout)
        result = tf.matmul(weights, v)
        if q_mask is not None:
            result = result * tf.cast(tf.expand_dims(q_mask, -1), result.dtype)
        if return_attention_scores:
            return result, weights
        return result

    def _call_ragged(self, inputs, mask, training, return_attention_scores, use_causal_mask):
        """Ragged query/value/key (as tf.keras): padded value steps are masked out, and
        a ragged query gives ragged outputs with its row lengths."""
        (q,), (q_rows,) = padded_steps(inputs[:1])
        rest, rest_rows = padded_steps(inputs[1:])  # value and key: one common length
        dense, row_masks = [q] + rest, [q_rows] + rest_rows
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None] * len(inputs)
        for i in (0, 1):
            if row_masks[i] is not None:
                masks[i] = row_masks[i] if masks[i] is None else tf.logical_and(
                    row_masks[i], tf.cast(_dense(masks[i]), tf.bool))
        out = self.call(dense, mask=masks[:2], training=training,
                        return_attention_scores=return_attention_scores,
                        use_causal_mask=use_causal_mask)
        if not isinstance(inputs[0], tf.RaggedTensor):
            return out
        if return_attention_scores:
            return ragged_like(out[0], inputs[0]), out[1]
        return ragged_like(out, inputs[0])

    def compute_mask(self, inputs, mask=None):
        if isinstance(inputs, (list, tuple)) and isinstance(inputs[0], tf.RaggedTensor):
            return None  # the ragged rows are the mask
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        return None if mask[0] is None else tf.convert_to_tensor(mask[0])

    def __call__(self, inputs, *args, **kwargs):
        if kwargs.get("mask") is None and isinstance(inputs, (list, tuple)):
            masks = [call_context.get_mask(x) for x in inputs]
            if any(m is not None for m in masks):
                kwargs["mask"] = masks
        return super().__call__(inputs, *args, **kwargs)

    def get_config(self):
        return {**super().get_config(), "dropout": self.dropout}
