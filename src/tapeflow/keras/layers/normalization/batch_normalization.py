"""BatchNormalization: normalizes with batch statistics in training, moving ones otherwise.

The moving mean/variance are non-trainable weights, updated only by training
calls: `moving = moving * momentum + batch_stat * (1 - momentum)`. In a padded
fit/evaluate step (keras/_row_mask.py) the batch moments cover the real rows only.
"""
import tapeflow as tf

from ... import _row_mask, constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer
from .axes import normalized_axes

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """`gamma * (x - mean) / sqrt(var + epsilon) + beta` over all axes but `axis`."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.momentum, self.epsilon = momentum, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _axes(self, rank):
        return normalized_axes(self.axis, rank)

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape)
        rank = shape.rank
        axes = self._axes(rank)
        for a in axes:
            if shape[a] is None:
                raise ValueError(f"Axis {a} of input tensor should have a defined dimension but "
                                 f"the layer received an input with shape {shape}.")
        param_shape = [shape[a] for a in axes]
        self.input_spec = InputSpec(ndim=rank, axes={a: shape[a] for a in axes})
        self.gamma = self.add_weight("gamma", param_shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint,
                                     experimental_autocast=False) if self.scale else None
        self.beta = self.add_weight("beta", param_shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint,
                                    experimental_autocast=False) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", param_shape, trainable=False,
                                           initializer=self.moving_mean_initializer,
                                           experimental_autocast=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape, trainable=False,
                                               initializer=self.moving_variance_initializer,
                                               experimental_autocast=False)
        self.built = True

    def _broadcast(self, v, rank, axes):
        if v is None:
            return None
        shape = [1] * rank
        for a in axes:
            shape[a] = -1
        return tf.reshape(v, shape) if len(axes) > 1 or axes[0] != rank - 1 else v

    def call(self, inputs, training=None):
        # statistics in the weights' dtype (float32 under a mixed policy), as tf.keras
        in_dtype = inputs.dtype
        if in_dtype != tf.as_dtype(self.dtype) and in_dtype.is_floating:
            return tf.cast(self._normalize(tf.cast(inputs, self.dtype), training), in_dtype)
        return self._normalize(inputs, training)

    def _normalize(self, inputs, training):
        rank = inputs.shape.rank
        axes = self._axes(rank)
        reduce_axes = [i for i in range(rank) if i not in axes]
        training = bool(training) and self.trainable
        if training:
            rows = _row_mask.active() if 0 in reduce_axes else None
            if rows is None:
                mean, var = tf.nn.moments(inputs, axes=reduce_axes)
            else:
                mean, var = self._masked_moments(inputs, reduce_axes, rows)
            m = tf.cast(self.momentum, mean.dtype)
            self.moving_mean.assign(self.moving_mean * m + tf.stop_gradient(mean) * (1 - m))
            self.moving_variance.assign(self.moving_variance * m
                                        + tf.stop_gradient(var) * (1 - m))
        else:
            mean, var = tf.convert_to_tensor(self.moving_mean), tf.convert_to_tensor(
                self.moving_variance)
        b = lambda v: self._broadcast(v, rank, axes)  # noqa: E731
        out = (inputs - b(mean)) * tf.math.rsqrt(b(var) + self.epsilon)
        if self.gamma is not None:
            out = out * b(self.gamma)
        if self.beta is not None:
            out = out + b(self.beta)
        return out

    def _masked_moments(self, inputs, reduce_axes, rows):
        """Mean and variance over the real rows of a padded batch."""
        _row_mask.require_rows(inputs, f"BatchNormalization {self.name!r} (inputs)")
        rank = inputs.shape.rank
        mask = tf.cast(tf.reshape(rows.mask, [rows.size] + [1] * (rank - 1)), inputs.dtype)
        per_row = 1
        for a in reduce_axes:
            if a != 0:
                per_row *= int(inputs.shape[a])
        count = tf.cast(rows.n, inputs.dtype) * float(per_row)
        mean = tf.reduce_sum(inputs * mask, axis=reduce_axes, keepdims=True) / count
        var = tf.reduce_sum(tf.math.squared_difference(inputs, tf.stop_gradient(mean)) * mask,
                            axis=reduce_axes, keepdims=True) / count
        return tf.squeeze(mean, reduce_axes), tf.squeeze(var, reduce_axes)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer)}
