"""InputSpec: what a layer accepts (rank, axis sizes, dtype), checked on every call.

>>> spec = InputSpec(min_ndim=2, axes={-1: 3})
>>> assert_input_compatibility([spec], [tf.zeros((2, 3))], "dense")
"""
import tapeflow as tf

from ... import nest
from ...framework.tensor import Tensor

__all__ = ["InputSpec", "assert_input_compatibility"]


class InputSpec:
    """Constraints on one input: `ndim`, `min_ndim`, `max_ndim`, `axes`, `shape`, `dtype`."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None):
        self.dtype = tf.as_dtype(dtype).name if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name = name
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self._passed = None  # (shape, dtype) of the last single Tensor that passed

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape),
                                          ("ndim", self.ndim), ("max_ndim", self.max_ndim),
                                          ("min_ndim", self.min_ndim), ("axes", self.axes))
                 if v]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}


def _shape_of(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(tf.TensorShape(shape).as_list()) if tf.TensorShape(shape).rank is not None \
        else None


def _fail(i, layer_name, what, shape):
    return ValueError(f'Input {i} of layer "{layer_name}" is incompatible with the layer: '
                      f"{what}. Full shape received: {shape}")


def _check_one(spec, x, i, layer_name):
    shape = _shape_of(x)
    if shape is None:
        return
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise _fail(i, layer_name, f"expected ndim={spec.ndim}, found ndim={ndim}", shape)
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise _fail(i, layer_name, f"expected max_ndim={spec.max_ndim}, found ndim={ndim}",
                    shape)
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise _fail(i, layer_name, f"expected min_ndim={spec.min_ndim}, found ndim={ndim}",
                    shape)
    if spec.dtype is not None and x.dtype.name != spec.dtype:
        raise ValueError(f'Input {i} of layer "{layer_name}" is incompatible with the layer: '
                         f"expected dtype={spec.dtype}, found dtype={x.dtype.name}")
    for axis, value in spec.axes.items():
        if value is None:
            continue
        if not -ndim <= axis < ndim:
            raise _fail(i, layer_name, f"expected axis {axis} to exist", shape)
        got = shape[axis]
        if got is not None and got != value:
            raise ValueError(f'Input {i} of layer "{layer_name}" is incompatible with the '
                             f"layer: expected axis {axis} of input shape to have value "
                             f"{value}, but received input with shape {shape}")
    if spec.shape is not None and len(spec.shape) == ndim:
        for want, got in zip(spec.shape, shape):
            if want is not None and got is not None and want != got:
                raise ValueError(f'Input {i} of layer "{layer_name}" is incompatible with '
                                 f"the layer: expected shape={spec.shape}, found shape={shape}")


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises a ValueError naming the layer, the expected and the received shapes."""
    if not input_spec:
        return
    if type(input_spec) is InputSpec and type(inputs) is Tensor:
        # one spec, one tensor: a shape and dtype that passed before pass again
        key = (inputs._value.shape, inputs._value.dtype)
        if getattr(input_spec, "_passed", None) != key:
            _check_one(input_spec, inputs, 0, layer_name)
            input_spec._passed = key
        return
    specs = nest.flatten(input_spec)
    flat = nest.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
                         f"{len(flat)} input tensors. Inputs received: {inputs}")
    for i, (spec, x) in enumerate(zip(specs, flat)):
        if spec is not None:
            _check_one(spec, x, i, layer_name)
