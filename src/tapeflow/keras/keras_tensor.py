"""KerasTensor (a symbolic tensor: shape and dtype, no value) and Node (one layer call).

Calling a layer on KerasTensors records a Node and returns new KerasTensors
whose shapes come from tracing the layer's `call` abstractly (`jax.eval_shape`):
no kernel runs.

>>> from tapeflow import keras
>>> keras.Input(shape=(3,), name="x")
<KerasTensor: shape=(None, 3) dtype=float32 (created by layer 'x')>
"""
import collections

import tapeflow as tf

from .. import nest
from ..ops.symbolic_dispatch import SymbolicArgument

__all__ = ["KerasTensor", "KerasHistory", "Node", "is_keras_tensor", "any_keras_tensor"]

KerasHistory = collections.namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])


class KerasTensor:
    """A symbolic tensor of the functional API: `shape`, `dtype`, and its producing layer."""

    def __init__(self, shape, dtype="float32", name=None):
        self._shape = tf.TensorShape(shape)
        self._dtype = tf.as_dtype(dtype)
        self._name = name
        self._keras_history = None
        self._keras_mask = None
        self._ragged = False  # a ragged input (keras.Input(ragged=True)) or layer output

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ragged(self):
        """True for a symbolic RaggedTensor (its None dims past the first are ragged)."""
        return self._ragged

    @property
    def ndim(self):
        return self._shape.rank

    @property
    def name(self):
        if self._keras_history is not None and self._name is None:
            return self._keras_history.layer.name
        return self._name

    @property
    def node(self):
        h = self._keras_history
        return None if h is None else h.layer._inbound_nodes[h.node_index]

    def __repr__(self):
        shape = str(self._shape) if self._shape.rank is not None else "<unknown>"
        created = ""
        if self._keras_history is not None:
            created = f" (created by layer '{self._keras_history.layer.name}')"
        return f"<KerasTensor: shape={shape} dtype={self._dtype.name}{created}>"

    def __len__(self):
        raise TypeError("Keras symbolic inputs/outputs do not implement `__len__`. You may be "
                        "trying to pass Keras symbolic inputs/outputs to a TF API that does "
                        "not register dispatching, preventing Keras from automatically "
                        "converting the API call to a lambda layer in the Functional Model.")

    def _as_tensor(self):
        # Reached when a tapeflow op converts its arguments: the op's dispatch
        # wrapper then records the call as a TFOpLambda layer.
        raise SymbolicArgument(f"{self!r} is symbolic and has no value; ops called on it "
                               "are recorded as layers of the functional model.")

    def __bool__(self):
        raise TypeError("Using a symbolic KerasTensor as a Python `bool` is not allowed: its "
                        "value is unknown until the model runs.")

    def __hash__(self):
        return id(self)

    def numpy(self):
        raise TypeError(f"{self!r} is symbolic: it has no value. Build a keras.Model from it "
                        "and call the model on data.")

    def ref(self):
        return self


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_keras_tensor(structure):
    return any(isinstance(x, KerasTensor) for x in nest.flatten(structure))


class Node:
    """One call of `layer` on KerasTensors: its arguments and its output KerasTensors."""

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=None, is_input=False):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.is_input = is_input
        self.keras_inputs = [x for x in nest.flatten((self.call_args, self.call_kwargs))
                             if isinstance(x, KerasTensor)]
        self.flat_outputs = nest.flatten(outputs)
        layer._inbound_nodes.append(self)
        index = len(layer._inbound_nodes) - 1
        for i, kt in enumerate(self.flat_outputs):
            kt._keras_history = KerasHistory(layer, index, i)

    @property
    def parent_nodes(self):
        return [kt.node for kt in self.keras_inputs if kt._keras_history is not None]

    @property
    def input_tensors(self):
        if self.is_input:
            return self.outputs
        return self.call_args[0] if self.call_args else self.keras_inputs

    @property
    def inbound_layers(self):
        return [kt._keras_history.layer for kt in self.keras_inputs]

    def map_arguments(self, values):
        """(args, kwargs) with every KerasTensor replaced by its computed value."""
        simple = self.__dict__.get("_one_plain_arg")
        if simple is None:  # one KerasTensor argument, plain keyword values: no walks
            simple = self._one_plain_arg = len(self.call_args) == 1 and isinstance(
                self.call_args[0], KerasTensor) and not any(
                isinstance(v, (KerasTensor, list, tuple, dict))
                for v in self.call_kwargs.values())
        if simple:
            return [values[id(self.call_args[0])]], dict(self.call_kwargs)

        def sub(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x
        args = nest.map_structure(sub, list(self.call_args))
        kwargs = {k: nest.map_structure(sub, v) for k, v in self.call_kwargs.items()}
        return args, kwargs

    def __repr__(self):
        return f"<Node of layer '{self.layer.name}'>"
