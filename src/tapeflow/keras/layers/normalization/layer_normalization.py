"""LayerNormalization: normalizes each sample over `axis` (the last by default)."""
import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..layer import Layer
from .axes import normalized_axes

__all__ = ["LayerNormalization"]


class LayerNormalization(Layer):
    """`gamma * (x - mean) / sqrt(var + epsilon) + beta`, statistics per sample."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _axes(self, rank):
        return normalized_axes(self.axis, rank)

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape)
        param_shape = [shape[a] for a in self._axes(shape.rank)]
        if None in param_shape:  # e.g. a RaggedTensor's ragged dimension
            raise ValueError(f"LayerNormalization layer {self.name!r}: the normalized axes "
                             f"{self.axis} must have known sizes (ragged dimensions can't be "
                             f"normalized). Received: input_shape={shape}")
        self.gamma = self.add_weight("gamma", param_shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", param_shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def call(self, inputs):
        axes = self._axes(inputs.shape.rank)
        if isinstance(inputs, tf.RaggedTensor):  # normalized axes are uniform: on the values
            shift = inputs.ragged_rank
            return inputs.with_flat_values(
                self._normalize(inputs.flat_values, [a - shift for a in axes]))
        return self._normalize(inputs, axes)

    def _normalize(self, inputs, axes):
        rank = inputs.shape.rank
        mean, var = tf.nn.moments(inputs, axes=axes, keepdims=True)
        out = (inputs - mean) * tf.math.rsqrt(var + self.epsilon)
        shape = [1] * rank
        for a in axes:
            shape[a] = inputs.shape[a]
        if self.gamma is not None:
            out = out * tf.reshape(self.gamma, shape)
        if self.beta is not None:
            out = out + tf.reshape(self.beta, shape)
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
