"""MultiHeadAttention (Vaswani et al. 2017), as tf.keras 2.15 documents it.

query/key/value are projected per head (`query` kernel `(dim, num_heads,
key_dim)`...), scored with one einsum over `attention_axes` (default: every
axis between batch and features), softmaxed over the key positions under the
combined mask (`attention_mask`, the inputs' Keras masks, `use_causal_mask`),
dropped out in training, combined with the values and projected back by
`attention_output` to `output_shape` (default: the query's last dimension).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
>>> out, scores = mha(tf.ones((1, 5, 8)), tf.ones((1, 3, 8)), return_attention_scores=True)
>>> out.shape, scores.shape
(TensorShape([1, 5, 8]), TensorShape([1, 2, 5, 3]))
"""
import string

import numpy as np

import tapeflow as tf
from tapeflow.ragged import bucketing

from ... import constraints, initializers, regularizers
from .. import call_context
from ..layer import Layer
from ..rnn.ragged_inputs import padded_steps, ragged_like
from .einsum_projection import EinsumProjection
from .masking import causal_mask, masked_softmax

__all__ = ["MultiHeadAttention"]

_L = string.ascii_lowercase


class _MissingArgument(TypeError, ValueError):
    """A required argument is missing (a TypeError as in TF, and a ValueError)."""


def _equations(rank, attn_axes):
    """(scores, combine) einsum equations for projected inputs of `rank` (B, ..., H, D)."""
    q = _L[:rank]
    k = list(q)
    for i, a in enumerate(attn_axes):
        k[a] = _L[rank + i]
    k = "".join(k)
    heads = rank - 2
    batch = [q[i] for i in range(rank - 2) if i not in attn_axes]
    product = "".join(batch) + q[heads] + "".join(q[a] for a in attn_axes) + \
        "".join(k[a] for a in attn_axes)
    v = k[:-1] + _L[rank + len(attn_axes)]
    out = q[:-1] + v[-1]
    return f"{k},{q}->{product}", f"{product},{v}->{out}"


class MultiHeadAttention(Layer):
    """Multi-head attention layer; see the module docstring."""

    def __init__(self, num_heads=None, key_dim=None, value_dim=None, dropout=0.0,
                 use_bias=True, output_shape=None, attention_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, seed=None, use_gate=False,
                 sliding_window=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if value is None:
                raise _MissingArgument(f"MultiHeadAttention layer {self.name!r} needs "
                                       f"`{arg}`. Received: {arg}=None")
            if int(value) <= 0:
                raise ValueError(f"MultiHeadAttention layer {self.name!r}: `{arg}` must be "
                                 f"a positive integer. Received: {arg}={value}")
        if use_gate or sliding_window is not None:
            raise ValueError(f"MultiHeadAttention layer {self.name!r}: Keras 3's `use_gate` "
                             "and `sliding_window` are not part of tf.keras 2.15. Received: "
                             f"use_gate={use_gate}, sliding_window={sliding_window}")
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self._output_shape = output_shape
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self.supports_masking = True

    def _projection(self, name, kernel_shape, bias_shape, equation):
        return EinsumProjection(
            equation, kernel_shape, bias_shape if self.use_bias else None,
            kernel_initializer=self.kernel_initializer, bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            name=name, dtype=self.dtype)

    def _build_from_shapes(self, q_shape, v_shape, k_shape):
        rank = len(q_shape)
        if self.attention_axes is None:
            axes = tuple(range(1, rank - 1))
        else:
            axes = tuple(a % rank for a in self.attention_axes)
        self._attn_axes = axes
        self._scores_eq, self._combine_eq = _equations(rank + 1, axes)
        h = self.num_heads
        inner = _L[:rank - 1]
        proj = f"{inner}{_L[rank - 1]},{_L[rank - 1]}yz->{inner}yz"
        self.query_dense = self._projection("query", (q_shape[-1], h, self.key_dim),
                                             (h, self.key_dim), proj)
        self.key_dense = self._projection("key", (k_shape[-1], h, self.key_dim),
                                           (h, self.key_dim), proj)
        self.value_dense = self._projection("value", (v_shape[-1], h, self.value_dim),
                                             (h, self.value_dim), proj)
        out = self._output_shape if self._output_shape is not None else [q_shape[-1]]
        out = [out] if isinstance(out, int) else list(out)
        out_letters = _L[20:20 + len(out)]
        self.output_dense = self._projection(
            "attention_output", (h, self.value_dim) + tuple(out), tuple(out),
            f"{inner}yz,yz{out_letters}->{inner}{out_letters}")
        for layer, shape in ((self.query_dense, q_shape), (self.key_dense, k_shape),
                             (self.value_dense, v_shape)):
            layer.build(shape)
        self.output_dense.build(None)
        for layer in (self.query_dense, self.key_dense, self.value_dense,
                      self.output_dense):
            for v in layer.weights:
                v._name = f"{self.name}/{v._name}"
        self.built = True

    def build(self, input_shape):
        """Built in `__call__`, once the query, value and key shapes are all known."""

    def _maybe_build(self, inputs):
        pass

    def _check_shapes(self, query, value, key):
        qs, vs, ks = (tf.TensorShape(x.shape).as_list() for x in (query, value, key))
        if len(qs) < 3 or len(vs) != len(qs) or vs[:-1] != ks[:-1] or \
                None not in (qs[0], vs[0]) and qs[0] != vs[0]:
            raise ValueError(f"MultiHeadAttention layer {self.name!r}: query, value and key "
                             "must have the same rank (>= 3) and batch size, and value and "
                             f"key the same steps. Received: query shape={tuple(qs)}, value "
                             f"shape={tuple(vs)}, key shape={tuple(ks)}")
        return qs, vs, ks

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise _MissingArgument(f"MultiHeadAttention layer {self.name!r} needs `value`.")
        if any(isinstance(x, tf.RaggedTensor) for x in (query, value, key)):
            return self._call_ragged(query, value, key, kwargs)
        query, value = (tf.convert_to_tensor(x) if not hasattr(x, "shape") else x
                        for x in (query, value))
        if key is not None and not hasattr(key, "shape"):
            key = tf.convert_to_tensor(key)
        if not self.built:
            self._build_from_shapes(*self._check_shapes(query, value,
                                                        value if key is None else key))
        return super().__call__(query, value=value, key=key, **kwargs)

    def _call_ragged(self, query, value, key, kwargs):
        """Ragged inputs as tf.keras 2.15 takes them: each is zero-padded (key and value to
        a common length, padded steps NOT masked); a ragged query gives ragged outputs."""
        (q,), _ = padded_steps([query])
        (v, k), _ = padded_steps([value, key])  # key and value: one common length
        bounded = [x for x in (value, key) if isinstance(x, tf.RaggedTensor) and
                   bucketing.is_traced(x.row_splits)]
        if bounded:  # a compiled step pads to its bucket: mask the steps past the longest row
            longest = tf.reduce_max(tf.stack([tf.reduce_max(x.row_lengths()) for x in bounded]))
            steps = tf.constant(np.arange(v.shape[1])[None, None, :], longest.dtype)
            keep = tf.less(steps, longest)
            mask = kwargs.get("attention_mask")
            kwargs["attention_mask"] = keep if mask is None else tf.logical_and(
                tf.cast(mask, tf.bool), keep)
        out = self.__call__(q, value=v, key=k, **kwargs)
        if not isinstance(query, tf.RaggedTensor):
            return out
        if isinstance(out, tuple):
            return ragged_like(out[0], query), out[1]
        return ragged_like(out, query)

    def _masks(self, query, value, key, attention_mask, use_causal_mask, scores_shape):
        rank = len(self._attn_axes)
        keep = None
        q_mask, v_mask = call_context.get_mask(query), call_context.get_mask(value)
        k_mask = call_context.get_mask(key) if key is not value else None
        if q_mask is not None:
            keep = tf.expand_dims(tf.cast(q_mask, tf.bool), -1)
        for m in (v_mask, k_mask):
            if m is not None:
                m = tf.expand_dims(tf.cast(m, tf.bool), -2)
                keep = m if keep is None else tf.logical_and(keep, m)
        if use_causal_mask:
            c = causal_mask(query.shape[1], value.shape[1])
            keep = c if keep is None else tf.logical_and(keep, c)
        if attention_mask is not None:
            am = tf.cast(attention_mask, tf.bool)
            want = [scores_shape[0]] + scores_shape[-2 * rank:]
            got = am.shape.as_list()
            if len(got) != len(want) or any(g not in (1, w) for g, w in zip(got, want)):
                raise ValueError(f"MultiHeadAttention layer {self.name!r}: attention_mask of "
                                 f"shape {tuple(got)} does not match the (batch, query steps,"
                                 f" key steps) shape {tuple(want)} of the attention scores.")
            keep = am if keep is None else tf.logical_and(keep, am)
        if keep is None:
            return None
        return tf.expand_dims(keep, -2 * rank - 1)  # broadcast over the heads axis

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False,
             training=None, use_causal_mask=False):
        key = value if key is None else key
        self._check_shapes(query, value, key)
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        q = q * tf.cast(1.0 / float(self.key_dim) ** 0.5, q.dtype)
        scores = tf.einsum(self._scores_eq, k, q)
        rank = len(self._attn_axes)
        keep = self._masks(query, value, key, attention_mask, use_causal_mask,
                           scores.shape.as_list())
        weights = masked_softmax(scores, keep, axes=range(-rank, 0))
        dropped = weights
        if training and self.dropout > 0:
            dropped = tf.nn.dropout(weights, rate=self.dropout)
        out = self.output_dense(tf.einsum(self._combine_eq, dropped, v))
        if return_attention_scores:
            return out, weights
        return out

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads,
                "key_dim": self.key_dim, "value_dim": self.value_dim,
                "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "attention_axes": self.attention_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
