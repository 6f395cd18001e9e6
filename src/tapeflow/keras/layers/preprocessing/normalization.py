"""Normalization: `(x - mean) / sqrt(variance)` per feature, statistics given or adapted.

>>> import numpy as np
>>> from tapeflow import keras
>>> layer = keras.layers.Normalization(axis=-1)
>>> layer.adapt(np.array([[0.0, 7.0], [2.0, 7.0]]))
>>> layer(np.array([[1.0, 7.0]])).numpy()
array([[0., 0.]], dtype=float32)
"""
import numpy as np

import tapeflow as tf

from .preprocessing_layer import PreprocessingLayer

__all__ = ["Normalization"]

_EPSILON = 1e-7  # keras.backend.epsilon(): the smallest standard deviation divided by


class Normalization(PreprocessingLayer):
    """Feature-wise normalization; `axis` lists the kept (per-feature) axes, None: scalar.

    With `invert=True` the layer maps normalized values back: `x * std + mean`.

    Adapted statistics are two weights, `mean` and `variance`, as in Keras 3 (so `.keras`
    archives match Keras 3's). tf.keras 2.15 keeps a third, `count` (int64, the number
    of values each statistic was adapted on): tf.keras `.h5` files carry it, so the
    layer writes it there and drops it when loading one (`_keras2_h5_extra` /
    `_from_keras2_h5`).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(f"Layer {self.name}: when setting `mean` or `variance`, both must "
                             f"be set. Received: mean={mean} and variance={variance}")
        self.input_mean, self.input_variance = mean, variance
        self._adapted_count = 0
        self.invert = bool(invert)
        self._is_adapted = mean is not None

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        ndim = len(shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Layer {self.name}: all `axis` values must be in the range "
                             f"[-ndim, ndim). Received inputs with ndim={ndim}, while axis="
                             f"{self.axis}")
        self._keep_axis = sorted(a % ndim for a in self.axis)
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        for d in self._keep_axis:
            if shape[d] is None:
                raise ValueError(f"Layer {self.name}: all `axis` values to be kept must have "
                                 f"known shape. Received axis={self.axis}, inputs.shape="
                                 f"{tuple(shape)}, with unknown axis at index {d}")
        self._stat_shape = [shape[d] for d in self._keep_axis]
        self._broadcast_shape = [shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stat_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stat_shape,
                                                  initializer="ones", trainable=False)
        self.built = True

    def _statistic(self, given, adapted):
        value = adapted if given is None else tf.broadcast_to(
            tf.cast(given, self._dtype), self._stat_shape or ())
        return tf.reshape(value, self._broadcast_shape)

    @property
    def mean(self):
        return self._statistic(self.input_mean, getattr(self, "adapt_mean", None))

    @property
    def variance(self):
        return self._statistic(self.input_variance, getattr(self, "adapt_variance", None))

    # -- adapt --------------------------------------------------------------------
    def reset_state(self):
        self._count, self._sum, self._sumsq = 0, None, None

    def update_state(self, data):
        if self.input_mean is not None:
            raise ValueError(f"Layer {self.name}: cannot `adapt` a Normalization layer that "
                             "was given `mean` and `variance`.")
        data = self._numeric(np.asarray(data))
        if not self.built:
            self.build(tf.TensorShape([None] + list(data.shape[1:])))
        x = data.astype(np.float64)
        n = int(np.prod([x.shape[d] for d in self._reduce_axis]))
        s = x.sum(axis=self._reduce_axis)
        q = np.square(x).sum(axis=self._reduce_axis)
        self._count += n
        self._sum = s if self._sum is None else self._sum + s
        self._sumsq = q if self._sumsq is None else self._sumsq + q

    def finalize_state(self):
        if self._sum is None:
            return
        mean = self._sum / self._count
        var = np.maximum(self._sumsq / self._count - np.square(mean), 0.0)
        self.adapt_mean.assign(mean.reshape(self._stat_shape).astype(self._dtype))
        self.adapt_variance.assign(var.reshape(self._stat_shape).astype(self._dtype))
        self._adapted_count = self._count

    # -- tf.keras 2.15 .h5 files: a third weight, `count` ----------------------------
    def _keras2_h5_extra(self):
        """[(weight name, value)] tf.keras writes after mean and variance."""
        if not hasattr(self, "adapt_mean"):
            return []
        mean_name = self.adapt_mean.name
        return [(mean_name[:mean_name.rfind("mean")] + "count:0",
                 np.asarray(self._adapted_count, np.int64))]

    def _from_keras2_h5(self, values):
        """tf.keras's [mean, variance, count] -> this layer's [mean, variance]."""
        if len(values) == 3 and np.ndim(values[2]) == 0 and hasattr(self, "adapt_mean"):
            self._adapted_count = int(values[2])
            return list(values[:2])
        return values

    def _numeric(self, x):
        if x.dtype == object or x.dtype.kind in "SU":
            raise ValueError(f"Layer {self.name} only accepts numeric inputs; received "
                             "string data (dtype=string). Use StringLookup or "
                             "TextVectorization for strings.")
        return x

    # -- call ---------------------------------------------------------------------
    def call(self, inputs):
        if getattr(inputs, "dtype", None) == tf.string:
            self._numeric(np.asarray(inputs._value))
        x = tf.cast(inputs, self._dtype)
        mean, variance = self.mean, self.variance
        std = tf.maximum(tf.sqrt(variance), tf.constant(_EPSILON, self._dtype))
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        def listify(v):
            return None if v is None else np.asarray(tf.convert_to_tensor(v)).tolist()
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": listify(self.input_mean), "variance": listify(self.input_variance)}
