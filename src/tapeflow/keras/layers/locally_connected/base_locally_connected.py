"""LocallyConnected: unshared-weight 'valid' convolution behind LocallyConnected1D / 2D.

Patches are gathered with host-computed indices, flattened in tf.keras's
order ((*kernel, channels) for channels_last, (channels, *kernel) for
channels_first) and contracted with a per-position kernel in one einsum.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.LocallyConnected2D(4, 3)(tf.ones((1, 5, 6, 2))).shape
TensorShape([1, 3, 4, 4])
"""
import itertools

import numpy as np

import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ..convolutional import conv_utils as U
from ..input_spec import InputSpec
from ..layer import Layer

__all__ = ["LocallyConnected"]


def patch_indices(spatial, kernel, strides, out):
    """(positions, kernel entries) indices into the row-major flattened spatial axes."""
    pos = np.array(list(itertools.product(*[range(o) for o in out]))) * np.array(strides)
    offs = np.array(list(itertools.product(*[range(k) for k in kernel])))
    coords = pos[:, None, :] + offs[None, :, :]
    return np.ravel_multi_index(tuple(np.moveaxis(coords, -1, 0)), tuple(spatial))


class LocallyConnected(Layer):
    """N-D locally connected layer (`rank` spatial axes, 'valid' padding, implementation 1)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        if implementation != 1:
            raise NotImplementedError(f"{name} supports only implementation=1 (the default "
                                      f"weight layout). Received: "
                                      f"implementation={implementation}")
        if str(padding).lower() != "valid":
            raise ValueError(f'{name} only supports padding="valid". Received: '
                             f"padding={padding}")
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"Invalid value for argument `filters` of {name}. Expected a "
                             f"strictly positive integer. Received: filters={filters}")
        self.filters = filters
        self.kernel_size = U.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = U.normalize_tuple(strides, self.rank, "strides")
        self.padding = "valid"
        self.data_format = U.normalize_data_format(data_format, self.rank)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.implementation = implementation
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _out_spatial(self, spatial):
        return [U.conv_output_length(n, k, "valid", s)
                for n, k, s in zip(spatial, self.kernel_size, self.strides)]

    def build(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        spatial = U.spatial_shape(shape, self.data_format)
        channels = shape[U.channel_axis(self.data_format)]
        if channels is None or any(d is None for d in spatial):
            raise ValueError(f"{type(self).__name__} needs fully defined spatial and channel "
                             f"dimensions. Received: input_shape={tuple(shape)}")
        out = self._out_spatial(spatial)
        if any(o <= 0 for o in out):
            raise ValueError(f"One of the dimensions in the output of {self.name} is <= 0: "
                             f"kernel_size={self.kernel_size} does not fit the input. "
                             f"Received: input_shape={tuple(shape)}")
        self._indices = patch_indices(spatial, self.kernel_size, self.strides, out)
        self.kernel = self.add_weight(
            "kernel", shape=(int(np.prod(out)), int(np.prod(self.kernel_size)) * channels,
                             self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=tuple(out) + (self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        axis = U.channel_axis(self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.built = True

    def call(self, inputs):
        shape = inputs.shape.as_list()
        cf = self.data_format == "channels_first"
        spatial = U.spatial_shape(shape, self.data_format)
        out = self._out_spatial(spatial)
        size = int(np.prod(spatial))
        idx = tf.constant(self._indices.astype("int32"))
        if cf:  # (b, C, S) -> (b, C, P, K) -> (b, P, C * K)
            flat = tf.reshape(inputs, [-1, shape[1], size])
            patches = tf.transpose(tf.gather(flat, idx, axis=2), [0, 2, 1, 3])
        else:  # (b, S, C) -> (b, P, K, C) -> (b, P, K * C)
            patches = tf.gather(tf.reshape(inputs, [-1, size, shape[-1]]), idx, axis=1)
        patches = tf.reshape(patches, [-1, idx.shape[0], self.kernel.shape[1]])
        y = tf.einsum("bpf,pfo->bpo", patches, tf.convert_to_tensor(self.kernel))
        y = tf.reshape(y, [-1] + out + [self.filters])
        if self.bias is not None:
            y = y + self.bias
        if cf:
            y = tf.transpose(y, [0, self.rank + 1] + list(range(1, self.rank + 1)))
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        out = [None if n is None else o for n, o in zip(
            U.spatial_shape(shape, self.data_format),
            self._out_spatial([n or 0 for n in U.spatial_shape(shape, self.data_format)]))]
        if self.data_format == "channels_first":
            return tf.TensorShape([shape[0], self.filters] + out)
        return tf.TensorShape([shape[0]] + out + [self.filters])

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "implementation": self.implementation}
