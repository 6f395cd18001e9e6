"""ReLU: rectified linear unit with an optional cap, leaky slope and threshold."""
import tapeflow as tf

from ..layer import Layer

__all__ = ["ReLU"]


def _non_negative(value, what, allow_none=False):
    if value is None and allow_none:
        return None
    if value is None or value < 0:
        raise ValueError(f"{what} of a ReLU layer cannot be a negative value. Received: "
                         f"{value}")
    return float(value)


class ReLU(Layer):
    """f(x) = max_value for x >= max_value, x for threshold < x < max_value,
    negative_slope * (x - threshold) otherwise.

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> keras.layers.ReLU(max_value=1.0)(tf.constant([-3.0, 0.5, 2.0])).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", allow_none=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope")
        self.threshold = _non_negative(threshold, "threshold")
        self.supports_masking = True

    def call(self, inputs):
        slope, cap, threshold = self.negative_slope, self.max_value, self.threshold
        if cap is None and threshold == 0:
            return tf.nn.leaky_relu(inputs, slope) if slope else tf.nn.relu(inputs)
        if threshold:
            out = inputs * tf.cast(inputs > threshold, inputs.dtype)
        else:
            out = tf.nn.relu(inputs)
        if cap is not None:
            out = tf.minimum(out, tf.cast(cap, inputs.dtype))
        if slope:
            out = out - slope * tf.nn.relu(threshold - inputs)
        return out

    def compute_output_shape(self, input_shape):
        return tf.TensorShape(input_shape)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}
