"""Dense: `activation(inputs @ kernel + bias)`, applied on the last axis.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> layer = keras.layers.Dense(4, kernel_initializer="ones")
>>> layer(tf.ones((2, 3))).numpy()[0]
array([3., 3., 3., 3.], dtype=float32)
"""
import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["Dense"]


class Dense(Layer):
    """Densely connected layer: kernel (last_dim, units), optional bias (units,)."""

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        units = int(units) if not isinstance(units, int) else units
        if units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        last = tf.TensorShape(input_shape)[-1]
        if last is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: {input_shape}")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.kernel = self.add_weight("kernel", shape=[last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.built = True

    def call(self, inputs):
        if isinstance(inputs, tf.RaggedTensor):  # applied to the flat values, as tf.keras
            return tf.ragged.map_flat_values(self.call, inputs)
        kernel = tf.convert_to_tensor(self.kernel)
        if inputs.dtype != kernel.dtype:
            inputs = tf.cast(inputs, kernel.dtype)
        rank = inputs.shape.rank
        if rank == 2:
            out = tf.matmul(inputs, kernel)
        else:
            flat = tf.reshape(inputs, [-1, inputs.shape[-1]])
            out = tf.reshape(tf.matmul(flat, kernel),
                             tf.concat([tf.shape(inputs)[:-1], [self.units]], 0))
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config
