"""EinsumProjection: `einsum(equation, inputs, kernel) + bias`, the projections of
MultiHeadAttention (named and shaped like tf.keras's EinsumDense sublayers).

>>> import tapeflow as tf
>>> p = EinsumProjection("abc,cde->abde", kernel_shape=(4, 2, 3), bias_shape=(2, 3),
...                      name="query")
>>> p(tf.ones((1, 5, 4))).shape
TensorShape([1, 5, 2, 3])
"""
import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..layer import Layer

__all__ = ["EinsumProjection"]


class EinsumProjection(Layer):
    """A kernel (and optional bias) applied with one einsum."""

    def __init__(self, equation, kernel_shape, bias_shape=None, kernel_initializer=None,
                 bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.equation = equation
        self.kernel_shape = tuple(kernel_shape)
        self.bias_shape = None if bias_shape is None else tuple(bias_shape)
        self.kernel_initializer = initializers.get(kernel_initializer or "glorot_uniform")
        self.bias_initializer = initializers.get(bias_initializer or "zeros")
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=self.kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.bias_shape is not None:
            self.bias = self.add_weight("bias", shape=self.bias_shape,
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        out = tf.einsum(self.equation, inputs, self.kernel)
        return out if self.bias is None else out + self.bias
