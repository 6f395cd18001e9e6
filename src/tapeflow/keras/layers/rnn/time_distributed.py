"""TimeDistributed: applies a layer to every time slice (axis 1) of its input.

The `(batch, time, ...)` input is folded to `(batch * time, ...)`, the wrapped
layer runs once on it, and the result is unfolded, so weights are shared
across time and there is one call, not one per step.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.TimeDistributed(keras.layers.Dense(8))(tf.ones((2, 10, 16))).shape
TensorShape([2, 10, 8])
"""
import tapeflow as tf

from ..layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["TimeDistributed"]


class TimeDistributed(Layer):
    """Wrapper applying `layer` to each temporal slice of an input."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `TimeDistributed` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check(self, shape):
        shape = tf.TensorShape(shape)
        if shape.rank is None or shape.rank < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {tuple(shape.as_list())} "
                             f"(layer {self.name})")
        return shape

    def build(self, input_shape):
        shape = self._check(input_shape)
        if not self.layer.built:
            self.layer.build(tf.TensorShape([None] + shape.as_list()[2:]))
            object.__setattr__(self.layer, "built", True)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if isinstance(inputs, tf.RaggedTensor):  # every time step is a row of the values
            params = self.layer._call_params()
            kw = {"training": training} if params["training"] else {}
            return inputs.with_values(self.layer(inputs.values, **kw))
        shape = self._check(inputs.shape).as_list()
        batch, steps = shape[0], shape[1]
        folded = tf.reshape(inputs, [-1] + shape[2:])
        kw = {}
        params = self.layer._call_params()
        if params["training"]:
            kw["training"] = training
        if params["mask"] and mask is not None:
            kw["mask"] = tf.reshape(mask, [-1] + mask.shape.as_list()[2:])
        y = self.layer(folded, **kw)
        return tf.reshape(y, [batch, steps] + y.shape.as_list()[1:])

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self):
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        return cls(layer, **config)
