"""Helpers shared by the recurrent cells: state shapes, zero states, gate math.

>>> import tapeflow as tf
>>> [s.shape.as_list() for s in zero_states([3, 3], batch_size=2, dtype="float32")]
[[2, 3], [2, 3]]
"""
import tapeflow as tf

from .... import nest

__all__ = ["zero_states", "state_structure", "state_dims", "dense_projection", "check_units"]


def state_structure(state_size):
    """`state_size` as a list (a single size becomes `[size]`)."""
    if isinstance(state_size, tf.TensorShape):
        return [state_size]
    if nest.is_nested(state_size):
        return list(state_size) if not isinstance(state_size, dict) else state_size
    return [state_size]


def state_dims(size):
    """One state's per-example dims: `[size]` for an int, else the shape's dims."""
    if isinstance(size, tf.TensorShape):
        return size.as_list()
    if isinstance(size, (list, tuple)):
        return list(size)
    return [int(size)]


def _is_shape(size):
    return isinstance(size, tf.TensorShape) or (
        isinstance(size, (list, tuple)) and all(isinstance(d, int) for d in size) and
        not isinstance(size, list))


def zero_states(state_size, inputs=None, batch_size=None, dtype=None):
    """Zero tensors `(batch, *size)` for every size in `state_size` (nested like it)."""
    if batch_size is None:
        if inputs is None:
            raise ValueError("get_initial_state needs `inputs` or `batch_size`.")
        batch_size = tf.shape(inputs)[0]
    if dtype is None:
        dtype = inputs.dtype if inputs is not None else "float32"
    b = batch_size if isinstance(batch_size, int) else int(tf.get_static_value(batch_size))

    def one(size):
        return tf.zeros([b] + state_dims(size), dtype=dtype)
    struct = state_structure(state_size)
    if isinstance(struct, dict):
        return {k: _zero_nested(v, one) for k, v in struct.items()}
    return [_zero_nested(s, one) for s in struct]


def _zero_nested(size, one):
    if isinstance(size, tf.TensorShape) or not nest.is_nested(size) or _is_shape(size):
        return one(size)
    if isinstance(size, dict):
        return {k: _zero_nested(v, one) for k, v in size.items()}
    return type(size)(_zero_nested(s, one) for s in size) if isinstance(size, tuple) \
        else [_zero_nested(s, one) for s in size]


def dense_projection(inputs, kernel, bias=None):
    """`inputs @ kernel (+ bias)` over the last axis of an input of any rank >= 2."""
    dims = inputs.shape.as_list()
    if len(dims) == 2:
        out = tf.matmul(inputs, kernel)
    else:
        cols = kernel.shape[-1]
        out = tf.reshape(tf.matmul(tf.reshape(inputs, [-1, dims[-1]]), kernel),
                         dims[:-1] + [cols])
    return out if bias is None else out + bias


def check_units(units, layer):
    """`units` as an int, or the ValueError tf.keras raises for a non-positive value."""
    if not isinstance(units, int):
        units = int(units)
    if units <= 0:
        raise ValueError("Received an invalid value for argument `units`, expected a "
                         f"positive integer, got {units} (layer {layer}).")
    return units
