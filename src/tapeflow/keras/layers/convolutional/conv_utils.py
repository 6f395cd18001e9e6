"""Argument normalization and output-length arithmetic shared by the spatial layers.

Convolution, pooling, padding, cropping and upsampling layers all take
`int or tuple` sizes, a `padding` mode and a `data_format`; these helpers
turn them into tuples with tf.keras's error messages, and compute output
lengths exactly as the ops do (TF's 'same' = ceil(n / stride)).

>>> normalize_tuple(3, 2, "kernel_size")
(3, 3)
>>> conv_output_length(28, 3, "valid", 1)
26
"""
from ... import backend

__all__ = ["normalize_tuple", "normalize_padding", "normalize_data_format",
           "conv_output_length", "deconv_output_length", "channel_axis", "spatial_shape"]


def normalize_tuple(value, n, name, allow_zero=False):
    """An int or an iterable of `n` ints -> a tuple of `n` ints (positive unless allow_zero)."""
    if isinstance(value, int) and not isinstance(value, bool):
        result = (value,) * n
    else:
        try:
            result = tuple(value)
        except TypeError:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                             f"Received {name}={value}") from None
        if len(result) != n:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                             f"Received {name}={value}")
        for v in result:
            if isinstance(v, bool) or not isinstance(v, int) and not (
                    hasattr(v, "__index__")):
                raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                                 f"Received {name}={value} including element {v} of type "
                                 f"{type(v).__name__}")
        result = tuple(int(v) for v in result)
    low = 0 if allow_zero else 1
    if any(v < low for v in result):
        kind = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received "
                         f"{name}={value}, including values {{{', '.join(str(v) for v in result if v < low)}}} "
                         f"that do not satisfy `value {kind}`")
    return result


def normalize_padding(value, allowed=("valid", "same")):
    padding = str(value).lower()
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be a list/tuple or one of "
                         f"{', '.join(repr(a) for a in allowed)}. Received: padding={value}")
    return padding


def normalize_data_format(value, rank=2):
    """None -> 'channels_last' for 1D layers (as tf.keras), else the backend's default."""
    if value is None:
        value = "channels_last" if rank == 1 else backend.image_data_format()
    data_format = str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of 'channels_first', "
                         f"'channels_last'. Received: data_format={value}")
    return data_format


def channel_axis(data_format):
    return 1 if data_format == "channels_first" else -1


def spatial_shape(shape, data_format):
    """The spatial dims of a full (batch, ..., channels) shape list."""
    return list(shape[2:]) if data_format == "channels_first" else list(shape[1:-1])


def conv_output_length(length, kernel, padding, stride, dilation=1):
    """Output length of a convolution / pooling window along one axis (None stays None)."""
    if length is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        n = length
    elif padding == "full":
        n = length + k - 1
    else:
        n = length - k + 1
    return (n + stride - 1) // stride


def deconv_output_length(length, kernel, padding, output_padding=None, stride=1, dilation=1):
    """Output length of a transposed convolution along one axis (None stays None)."""
    if length is None:
        return None
    k = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k - stride, 0)
        if padding == "full":
            return length * stride - (stride + k - 2)
        return length * stride
    pad = {"same": k // 2, "valid": 0, "full": k - 1}[padding]
    return (length - 1) * stride + k - 2 * pad + output_padding
