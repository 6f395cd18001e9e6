"""keras.layers.Layer: state (weights) plus a computation (`call`), built on first use.

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> class Linear(keras.layers.Layer):
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")
...     def call(self, inputs):
...         return tf.matmul(inputs, self.w)
>>> Linear()(tf.ones((1, 3))).numpy()
array([[3., 3.]], dtype=float32)

Variables, layers and lists/dicts of them assigned as attributes are tracked:
`weights` lists trainable weights then non-trainable ones, each in creation
order, own weights before those of sublayers.
"""
import inspect
import weakref

import numpy as np

import tapeflow as tf

from ... import nest
from ...autograph.conversion import call_for_trace
from ...framework.tensor import Tensor
from ...framework.trace_stack import current_trace
from ...module.module import Module
from .. import backend, regularizers
from ..mixed_precision import policy as mixed_precision_policy
from ..mixed_precision.autocast_variable import autocast_scope
from ..keras_tensor import KerasTensor, Node, any_keras_tensor
from . import call_context, symbolic
from .input_spec import assert_input_compatibility
from .tracking import UNTRACKED, Trackable, _is_metric

__all__ = ["Layer"]

# Layers whose `_losses`/`_metric_values` hold values of a call: a top-level call clears
# its sub-layers' values, and when this set is empty it need not walk the layers at all.
_RECORDED = weakref.WeakSet()
_PLAIN = (Tensor, np.ndarray)  # input types that are one leaf and never symbolic
_SCALARS = (bool, int, float, str, type(None))

_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights",
           "activity_regularizer", "autocast", "dynamic", "input_length"}


class Layer(Trackable, Module):
    """Base class of all layers: see the module docstring. A Layer is a `tf.Module`."""

    # Keras bookkeeping (graph nodes, losses, ...) is not searched for submodules.
    _TF_MODULE_IGNORED_PROPERTIES = Module._TF_MODULE_IGNORED_PROPERTIES | UNTRACKED

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        unknown = set(kwargs) - _KWARGS
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r}")
        self._init_tracking()
        d = object.__setattr__
        d(self, "_trainable", bool(trainable))
        d(self, "_name", name or backend.unique_object_name(
            backend.to_snake_case(type(self).__name__)))
        policy = _policy(dtype)
        d(self, "_dtype_policy", policy)
        d(self, "_dtype", policy.variable_dtype)  # weights; `call` computes in compute_dtype
        d(self, "_compute_dtype", policy.compute_dtype)
        d(self, "built", False)
        d(self, "supports_masking", getattr(self, "supports_masking", False))
        d(self, "dynamic", dynamic)
        self._batch_input_shape = _batch_shape(kwargs)
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))

    # -- losses and metrics -------------------------------------------------
    def add_loss(self, losses, **kwargs):
        """Adds loss tensors (or zero-argument callables) to `self.losses`."""
        frame = call_context.current()
        for loss in nest.flatten(losses):
            if loss is None:
                continue
            if callable(loss) and not isinstance(loss, (Tensor, tf.Variable)):
                self._callable_losses.append(loss)
            elif isinstance(loss, KerasTensor):
                raise ValueError("add_loss() with a symbolic KerasTensor is not supported: "
                                 "compute the loss inside a layer's call() instead.")
            elif frame is None or not frame.symbolic:
                self._losses.append(tf.convert_to_tensor(loss))
                _RECORDED.add(self)

    @property
    def losses(self):
        """Losses of the last top-level call, then weight regularization losses."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
        for layer in self._flatten_layers():
            for fn in layer._callable_losses:
                v = fn()
                if v is not None:
                    out.append(tf.convert_to_tensor(v))
        return out

    def _clear_losses(self):
        if not _RECORDED:  # nothing anywhere holds call losses: skip the layer walk
            return
        for layer in self._flatten_layers():
            if layer._losses or layer._metric_values:
                layer._losses.clear()
                layer._metric_values.clear()
                _RECORDED.discard(layer)

    def add_metric(self, value, name=None, aggregation=None, **kwargs):
        """Records `(name, value)` for the trainer to average (see `_gather_metric_values`)."""
        frame = call_context.current()
        if frame is not None and frame.symbolic:
            return
        if name is None:
            raise ValueError("Please provide a name for your metric like "
                             "`self.add_metric(value, name=...)`.")
        self._metric_values.append((name, tf.convert_to_tensor(value)))
        _RECORDED.add(self)

    def _gather_metric_values(self):
        """[(name, tensor)] added by `add_metric` during the last call, in this layer tree."""
        return [m for layer in self._flatten_layers() for m in layer._metric_values]

    @property
    def metrics(self):
        """Metric objects tracked as attributes of this layer and its sublayers."""
        found, seen = [], set()
        for layer in self._flatten_layers():
            for k, v in layer.__dict__.items():
                for obj in nest.flatten(v) if isinstance(v, (list, tuple, dict)) else [v]:
                    if _is_metric(obj) and id(obj) not in seen:
                        seen.add(id(obj))
                        found.append(obj)
        return found

    # -- calling ------------------------------------------------------------
    def build(self, input_shape):
        """Creates the weights once the input shape is known (called by `__call__`)."""
        self._build_input_shape = input_shape
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The computation; the base layer returns its inputs."""
        return inputs

    @classmethod
    def _call_params(cls):
        cache = cls.__dict__.get("_call_params_cache")
        if cache is None:
            sig = inspect.signature(cls.call)
            ps = sig.parameters
            names = [n for n, p in ps.items() if n != "self" and p.kind in (
                p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            cache = {"training": "training" in ps, "mask": "mask" in ps,
                     "first": names[0] if names else None, "names": names,
                     # index in args-after-inputs of the first of `training`/`mask`
                     "cut": min((i - 1 for i, n in enumerate(names)
                                 if n in ("training", "mask") and i > 0), default=None),
                     "training_default": ps["training"].default
                     if "training" in ps and ps["training"].default is not inspect._empty
                     else None}
            type.__setattr__(cls, "_call_params_cache", cache)
        return cache

    def __call__(self, *args, **kwargs):
        params = self._call_params()
        if not args:  # the first argument of `call` may come by keyword, as in tf.keras
            first = params["first"] if params["first"] in kwargs else "inputs"
            if first not in kwargs:
                raise ValueError(f"Layer {self.name} was called without inputs: the first "
                                 f"argument of `call` (`{params['first']}`) must be passed.")
            args = (kwargs.pop(first),)
        inputs, rest = args[0], args[1:]
        cut = params["cut"]
        if cut is not None and len(rest) > cut:  # `model(x, True)`: training by position
            for name, value in zip(params["names"][cut + 1:], rest[cut:]):
                if name in kwargs:
                    raise TypeError(f"{type(self).__name__}.call() got multiple values for "
                                    f"argument '{name}'")
                kwargs[name] = value
            rest = rest[:cut]
        outer = call_context.current()
        training = kwargs.get("training")
        if training is None:
            training = outer.training if outer is not None else backend.learning_phase()
            if training is None:
                training = params["training_default"]
        if params["training"]:
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        single = type(inputs) in _PLAIN  # one array in: skip the structure walks
        if (not single or rest or any(not isinstance(v, _SCALARS) for v in kwargs.values())) \
                and any_keras_tensor((inputs, rest, kwargs)):
            return self._symbolic_call(inputs, rest, kwargs, training, params)
        inputs = self._convert_one(inputs) if single else self._convert_inputs(inputs)
        if params["mask"] and kwargs.get("mask") is None:
            if single:
                mask = call_context.get_mask(inputs)
                if mask is not None:
                    kwargs["mask"] = mask
            else:
                masks = nest.map_structure(call_context.get_mask, inputs)
                if any(m is not None for m in nest.flatten(masks)):
                    kwargs["mask"] = masks
        if outer is None:
            self._clear_losses()
        assert_input_compatibility(self.input_spec, inputs, self.name)
        self._maybe_build(inputs)
        symbolic_frame = outer is not None and outer.symbolic
        call = self.call if current_trace() is None else call_for_trace(self.call)
        frames = call_context.frames()
        frames.append(call_context.Frame(self, training, symbolic_frame))
        try:
            if self._dtype_policy.is_mixed:  # weights read in the compute dtype
                with autocast_scope(self._compute_dtype):
                    outputs = call(inputs, *rest, **kwargs)
            else:
                outputs = call(inputs, *rest, **kwargs)
        finally:
            frames.pop()
        self._set_output_masks(inputs, outputs, kwargs.get("mask"))
        if self.activity_regularizer is not None and not symbolic_frame:
            for out in nest.flatten(outputs):
                loss = self.activity_regularizer(out)
                self._losses.append(loss / tf.cast(tf.shape(out)[0], loss.dtype))
                _RECORDED.add(self)
        return outputs

    def _convert_one(self, x):
        """An input leaf as a Tensor, floats cast to the layer's dtype."""
        if type(x) is np.ndarray and x.dtype.kind in "biuf" and x.dtype.itemsize <= 8 \
                and current_trace() is None:
            # eagerly, a copy that the first op moves to the device (as a tf.data batch):
            # jax.device_put here would cost more than a small layer's ops
            x = Tensor._from_host(np.array(x))
        elif isinstance(x, (np.ndarray, np.generic)) or (
                isinstance(x, (list, float)) and not nest.is_nested(x)):
            x = tf.convert_to_tensor(x)
        if isinstance(x, (Tensor, tf.Variable)):
            x = tf.convert_to_tensor(x)
            if x.dtype.name != self._compute_dtype and x.dtype.is_floating and \
                    tf.as_dtype(self._compute_dtype).is_floating:
                x = tf.cast(x, self._compute_dtype)
        return x

    def _convert_inputs(self, inputs):
        return nest.map_structure(self._convert_one, inputs)

    def _maybe_build(self, inputs):
        if self.built:
            return
        shapes = nest.map_structure(lambda x: tf.TensorShape(x.shape) if hasattr(x, "shape")
                                    else None, inputs)
        self._build_input_shape = shapes
        self.build(shapes)
        object.__setattr__(self, "built", True)

    def _overrides_compute_mask(self):
        return type(self).compute_mask is not Layer.compute_mask

    def compute_mask(self, inputs, mask=None):
        """The output mask: the input mask when `supports_masking`, else None."""
        if not self.supports_masking:
            return None
        return mask

    def _set_output_masks(self, inputs, outputs, mask):
        if mask is None and not self._overrides_compute_mask():
            return
        if mask is None:
            mask = nest.map_structure(call_context.get_mask, inputs)
            if all(m is None for m in nest.flatten(mask)):
                mask = None
        out_mask = self.compute_mask(inputs, mask)
        flat_out = nest.flatten(outputs)
        flat_mask = nest.flatten(out_mask) if nest.is_nested(out_mask) else [out_mask] * len(
            flat_out)
        for t, m in zip(flat_out, flat_mask):
            call_context.set_mask(t, m)

    def _symbolic_call(self, inputs, rest, kwargs, training, params):
        inferred_mask = False
        if params["mask"] and kwargs.get("mask") is None:
            masks = nest.map_structure(
                lambda x: x._keras_mask if isinstance(x, KerasTensor) else None, inputs)
            if any(m is not None for m in nest.flatten(masks)):
                kwargs["mask"] = masks
                inferred_mask = True  # found again from the inputs when the graph runs
        assert_input_compatibility(self.input_spec, inputs, self.name)
        self._maybe_build(inputs)
        args = (inputs,) + tuple(rest)
        mask_fn = self._symbolic_mask_fn(kwargs.get("mask"))
        outputs, out_mask = symbolic.infer_outputs(self, args, kwargs, training, mask_fn)
        call_kwargs = {k: v for k, v in kwargs.items() if k != "training" or
                       v is not None and v is not params["training_default"]}
        if inferred_mask:
            call_kwargs.pop("mask")
        Node(self, args, call_kwargs, outputs)
        flat_out = nest.flatten(outputs)
        flat_mask = nest.flatten(out_mask) if nest.is_nested(out_mask) else [out_mask] * len(
            flat_out)
        for t, m in zip(flat_out, flat_mask):
            t._keras_mask = m
        return outputs

    def _symbolic_mask_fn(self, mask_given):
        if mask_given is None and not self._overrides_compute_mask():
            return lambda args, kwargs: None
        return lambda args, kwargs: self.compute_mask(args[0], kwargs.get("mask"))

    def compute_output_shape(self, input_shape):
        """Output shape(s) for `input_shape`, from an abstract trace of `call`."""
        shapes = _to_shapes(input_shape)
        kts = nest.map_structure(lambda s: KerasTensor(s, self._compute_dtype), shapes)
        self._maybe_build(kts)
        out, _ = symbolic.infer_outputs(self, (kts,), {}, None, lambda a, k: None)
        return nest.map_structure(lambda kt: kt.shape, out)

    # -- functional-API views -----------------------------------------------
    def _single_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return."
                                 if what == "input" else
                                 f"Layer {self.name} has no inbound nodes.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(f"Layer {self.name} has multiple inbound nodes, hence the "
                                 f'notion of "layer {what}" is ill-defined. Use '
                                 f"`get_{what}_at(node_index)` instead.")
        return self._inbound_nodes[0]

    @property
    def input(self):
        return self._single_node("input").input_tensors

    @property
    def output(self):
        return self._single_node("output").outputs

    def get_input_at(self, node_index):
        return self._inbound_nodes[node_index].input_tensors

    def get_output_at(self, node_index):
        return self._inbound_nodes[node_index].outputs

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: tuple(t.shape.as_list()), self.input)

    @property
    def output_shape(self):
        shapes = [nest.map_structure(lambda t: tuple(t.shape.as_list()), n.outputs)
                  for n in self._inbound_nodes]
        if not shapes:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has "
                                 "no defined output shape.")
        if any(s != shapes[0] for s in shapes):
            raise AttributeError(f'The layer "{self.name}" has multiple inbound nodes, with '
                                 "different output shapes. Hence the notion of \"output "
                                 "shape\" is ill-defined for the layer.")
        return shapes[0]

    # -- config -------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        """The dtype of the layer's weights (float32 under a mixed policy)."""
        return self._dtype

    variable_dtype = dtype

    @property
    def compute_dtype(self):
        """The dtype `call` computes in: inputs are cast to it (float16 under
        'mixed_float16')."""
        return self._compute_dtype

    @property
    def dtype_policy(self):
        """The layer's `keras.mixed_precision.Policy`."""
        return self._dtype_policy

    def get_config(self):
        """Base config: name, trainable, dtype (and batch_input_shape when given)."""
        policy = self._dtype_policy
        dtype = {"class_name": "Policy", "config": policy.get_config()} if policy.is_mixed \
            else self._dtype
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} name={self.name}>"


def _policy(dtype):
    """The layer's Policy from its `dtype` argument (None: the global policy)."""
    policy = mixed_precision_policy.resolve(dtype)
    if policy.variable_dtype is None:  # "_infer": take floatx
        policy = mixed_precision_policy.Policy(backend.floatx())
    return policy


def _batch_shape(kwargs):
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    if kwargs.get("input_shape") is not None:
        return (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
    if kwargs.get("input_dim") is not None:
        return (kwargs.get("batch_size"), kwargs["input_dim"])
    return None


def _to_shapes(shape):
    if isinstance(shape, tf.TensorShape):
        return shape
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer))
                                                for d in shape):
        return tf.TensorShape(shape)
    if isinstance(shape, dict):
        return {k: _to_shapes(v) for k, v in shape.items()}
    return [_to_shapes(s) for s in shape]
