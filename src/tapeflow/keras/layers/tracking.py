"""Attribute tracking of layers: Variables and sub-layers assigned as attributes.

`Trackable` finds Variables and Layers in attributes (and in lists, tuples
and dicts of them) and lists weights as Keras does: trainable weights, then
non-trainable ones, each with the layer's own weights (in creation order)
before those of its sub-layers.
"""
import numpy as np

import tapeflow as tf

from .. import constraints, initializers, regularizers
from ..mixed_precision.autocast_variable import AutoCastVariable
from ...train.checkpoint import notify_variables_created

__all__ = ["Trackable", "UNTRACKED"]

UNTRACKED = frozenset({"_inbound_nodes", "_own_weights", "_losses", "_callable_losses",
                       "_metric_values", "_build_input_shape", "input_spec", "_graph_nodes",
                       "_graph_inputs", "_graph_outputs", "_seq_nodes", "_seq_input",
                       "_seq_output", "_outer"})


def _is_layer(obj):
    return isinstance(obj, Trackable)


def _is_metric(obj):
    return all(hasattr(obj, a) for a in ("update_state", "result", "reset_state"))


def _walk(value, seen):
    """Variables and Layers inside `value` (lists, tuples, dicts looked into)."""
    if isinstance(value, tf.Variable) or _is_layer(value):
        if id(value) not in seen:
            seen.add(id(value))
            yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v, seen)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v, seen)


def _deferred_restore():
    """Gives pending `tf.train.Checkpoint` restorations the variable just created."""
    notify_variables_created()


def _dedupe(items):
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


class Trackable:
    """Mixin of Layer: tracking, `weights`, `trainable`, get/set_weights, count_params."""

    def _init_tracking(self):
        d = object.__setattr__
        for k in ("_own_weights", "_losses", "_callable_losses", "_metric_values",
                  "_inbound_nodes"):
            if k not in self.__dict__:
                d(self, k, [])
        if "input_spec" not in self.__dict__:
            d(self, "input_spec", None)
        if "_build_input_shape" not in self.__dict__:
            d(self, "_build_input_shape", None)

    # -- attribute tracking -------------------------------------------------
    def __setattr__(self, name, value):
        if "_own_weights" not in self.__dict__:
            self._init_tracking()
        old = self.__dict__.get(name)
        if isinstance(old, tf.Variable) and old is not value and old in self._own_weights:
            self._own_weights.remove(old)
        if name not in UNTRACKED and not name.startswith("__"):
            for obj in _walk(value, set()):
                if isinstance(obj, tf.Variable) and all(obj is not w for w in self._own_weights):
                    self._own_weights.append(obj)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        old = self.__dict__.get(name)
        if isinstance(old, tf.Variable):
            self._own_weights[:] = [w for w in self._own_weights if w is not old]
        object.__delattr__(self, name)

    def _own_variables(self):
        found = list(self._own_weights)
        seen = {id(w) for w in found}
        for k, v in self.__dict__.items():
            if k not in UNTRACKED:
                found.extend(o for o in _walk(v, seen) if isinstance(o, tf.Variable))
        return found

    def _sublayers(self):
        """Directly tracked layers, in attribute order (metrics excluded)."""
        seen, out = {id(self)}, []
        for k, v in self.__dict__.items():
            if k in UNTRACKED:
                continue
            for obj in _walk(v, seen):
                if _is_layer(obj) and not _is_metric(obj):
                    out.append(obj)
        return out

    def _flatten_layers(self, include_self=True):
        out, stack, seen = [], [self], set()
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack[0:0] = layer._sublayers()
        return out if include_self else out[1:]

    # -- weights ------------------------------------------------------------
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        for layer in self._flatten_layers():
            object.__setattr__(layer, "_trainable", bool(value))

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        own = [v for v in self._own_variables() if v.trainable]
        return _dedupe(own + [w for l in self._sublayers() for w in l.trainable_weights])

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            own = self._own_variables()
            subs = [w for l in self._sublayers() for w in l.weights]
        else:
            own = [v for v in self._own_variables() if not v.trainable]
            subs = [w for l in self._sublayers() for w in l.non_trainable_weights]
        return _dedupe(own + subs)

    @property
    def weights(self):
        return _dedupe(self.trainable_weights + self.non_trainable_weights)

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """The weights' values as NumPy arrays."""
        return [np.asarray(w.numpy()) for w in self.weights]

    def set_weights(self, weights):
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"You called `set_weights(weights)` on layer \"{self.name}\" with a "
                             f"weight list of length {len(weights)}, but the layer was "
                             f"expecting {len(mine)} weights.")
        for var, value in zip(mine, weights):
            value = np.asarray(value)
            if tuple(var.shape) != value.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(var.shape)} is not "
                                 f"compatible with provided weight shape {value.shape}.")
            var.assign(value.astype(var.dtype.as_numpy_dtype))

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, use_resource=None,
                   synchronization=tf.VariableSynchronization.AUTO,
                   aggregation=tf.VariableAggregation.NONE, **kwargs):
        """Creates a weight Variable (`name` becomes `layer_name/name:0`) and tracks it."""
        shape = () if shape is None else tuple(shape)
        dtype = tf.as_dtype(dtype or self._dtype)
        if initializer is None:
            if dtype.is_floating:
                initializer = "glorot_uniform"
            elif dtype.is_integer or dtype.is_bool or dtype.is_unsigned:
                initializer = "zeros"
            else:
                raise ValueError(f"An initializer for variable {name} of type {dtype.name} is "
                                 f"required for layer {self.name}. Received: {initializer}.")
        init = initializers.get(initializer)
        if trainable is None:
            trainable = synchronization != tf.VariableSynchronization.ON_READ
        policy = getattr(self, "_dtype_policy", None)
        # a mixed policy's floating weights are read in the compute dtype inside `call`
        cls = AutoCastVariable if (kwargs.get("experimental_autocast", True) and dtype.is_floating
                                   and policy is not None and policy.is_mixed) else tf.Variable
        var = cls(lambda: init(shape, dtype=dtype), trainable=trainable,
                  name=f"{self.name}/{name or 'Variable'}", dtype=dtype,
                  constraint=constraints.get(constraint),
                  synchronization=synchronization, aggregation=aggregation)
        self._own_weights.append(var)
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._callable_losses.append(lambda: reg(var))
        _deferred_restore()
        return var

    def add_variable(self, *args, **kwargs):
        """Alias of `add_weight` (TF's older name)."""
        return self.add_weight(*args, **kwargs)
