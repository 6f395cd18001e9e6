"""Conv: the shared N-D convolution layer behind Conv1D, Conv2D and Conv3D.

`outputs = activation(conv(inputs, kernel) + bias)` with tf.keras's weights:
`kernel` of shape `kernel_size + (in_channels // groups, filters)` and `bias`
of shape `(filters,)`. Inputs with more than one batch axis are flattened to
one batch axis and restored afterwards, as tf.keras does.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> keras.layers.Conv2D(4, 3)(tf.ones((1, 5, 5, 2))).shape
TensorShape([1, 3, 3, 4])
"""
import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer
from . import conv_utils as U

__all__ = ["Conv", "tf_data_format"]


def tf_data_format(data_format, rank):
    """'channels_last'/'channels_first' -> the tf.nn layout string ('NHWC', 'NCDHW', ...)."""
    spatial = "DHW"[3 - rank:] if rank > 1 else "W"
    return "NC" + spatial if data_format == "channels_first" else "N" + spatial + "C"


class Conv(Layer):
    """N-D convolution layer (`rank` spatial axes); see Conv1D / Conv2D / Conv3D."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and (not isinstance(filters, int) or filters <= 0):
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = filters
        self.groups = groups or 1
        self.kernel_size = U.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = U.normalize_tuple(strides, rank, "strides")
        self.padding = U.normalize_padding(padding, ("valid", "same", "causal"))
        self.data_format = U.normalize_data_format(data_format, rank)
        self.dilation_rate = U.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._validate_init()

    def _validate_init(self):
        if self.filters is not None and self.filters % self.groups != 0:
            raise ValueError("The number of filters must be evenly divisible by the number "
                             f"of groups. Received: groups={self.groups}, "
                             f"filters={self.filters}.")
        if self.padding == "causal" and not self._allows_causal():
            raise ValueError("Causal padding is only supported for `Conv1D` and "
                             f"`SeparableConv1D`. Received: padding={self.padding} for "
                             f"layer {type(self).__name__}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    def _allows_causal(self):
        return self.rank == 1

    @property
    def _channel_axis(self):
        return U.channel_axis(self.data_format)

    def _input_channels(self, input_shape):
        shape = tf.TensorShape(input_shape)
        ch = shape[self._channel_axis]
        if ch is None:
            raise ValueError(f"The channel dimension of the inputs to {type(self).__name__} "
                             f"should be defined. The input_shape received is {input_shape}, "
                             f"where axis {self._channel_axis} (0-based) is the channel "
                             "dimension, which found to be `None`.")
        return int(ch)

    def _check_output_positive(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        out = self.compute_output_shape(shape).as_list()
        if any(d is not None and d <= 0 for d in out):
            raise ValueError(f"One of the dimensions in the output is <= 0 due to "
                             f"downsampling in {self.name}. Consider increasing the input "
                             f"size. Received input shape {tuple(shape)} which would produce "
                             f"output shape with a zero or negative value in a dimension "
                             f"({tuple(out)}).")

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups != 0:
            raise ValueError("The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the input "
                             f"has {channels} channels (full input shape is {input_shape}).")
        self._check_output_positive(input_shape)
        self.kernel = self.add_weight(
            "kernel", shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, trainable=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={self._channel_axis: channels})
        self.built = True

    def _tf_padding(self):
        """The op's padding: 'SAME'/'VALID', or explicit left pads for 'causal'."""
        if self.padding != "causal":
            return self.padding.upper()
        left = [(k - 1) * d for k, d in zip(self.kernel_size, self.dilation_rate)]
        pairs = [[p, 0] for p in left]
        return [[0, 0], [0, 0]] + pairs if self.data_format == "channels_first" else \
            [[0, 0]] + pairs + [[0, 0]]

    def convolution_op(self, inputs, kernel):
        """The bare convolution of `inputs` with `kernel` (no bias, no activation)."""
        return tf.nn.convolution(inputs, kernel, strides=list(self.strides),
                                 padding=self._tf_padding(),
                                 dilations=list(self.dilation_rate),
                                 data_format=tf_data_format(self.data_format, self.rank))

    def _flatten_batch(self, inputs):
        """(b1, b2, ..., *spatial, C) -> (b1 * b2 * ..., *spatial, C), and the restorer."""
        extra = inputs.shape.rank - (self.rank + 2)
        if extra <= 0:
            return inputs, lambda y: y
        batch = tf.shape(inputs)[:extra + 1]
        flat = tf.reshape(inputs, [-1] + inputs.shape.as_list()[extra + 1:])
        return flat, lambda y: tf.reshape(y, tf.concat([batch, tf.shape(y)[1:]], 0))

    def _add_bias(self, outputs):
        if self.bias is None:
            return outputs
        fmt = tf_data_format(self.data_format, self.rank)
        return tf.nn.bias_add(outputs, tf.convert_to_tensor(self.bias), data_format=fmt)

    def call(self, inputs):
        flat, restore = self._flatten_batch(inputs)
        kernel = tf.convert_to_tensor(self.kernel)
        if flat.dtype != kernel.dtype:
            flat = tf.cast(flat, kernel.dtype)
        outputs = self._add_bias(self.convolution_op(flat, kernel))
        return self.activation(restore(outputs))

    def _spatial_output_shape(self, spatial):
        return [U.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def _output_channels(self, input_shape):
        return self.filters

    def compute_output_shape(self, input_shape):
        shape = tf.TensorShape(input_shape).as_list()
        if len(shape) < self.rank + 2:
            raise ValueError(f"Input 0 of layer {self.name} should have rank >= "
                             f"{self.rank + 2}. Received input_shape={tuple(shape)}")
        spatial = self._spatial_output_shape(U.spatial_shape(shape[-(self.rank + 2):],
                                                             self.data_format))
        batch = shape[:len(shape) - self.rank - 1]
        ch = [self._output_channels(shape)]
        return tf.TensorShape(batch + (ch + spatial if self.data_format == "channels_first"
                                       else spatial + ch))

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size,
            "strides": self.strides, "padding": self.padding,
            "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "groups": self.groups, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config
