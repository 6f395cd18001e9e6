"""keras.Sequential: a plain stack of layers, each with one input and one output.

>>> from tapeflow import keras
>>> model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(1)])
>>> model.build((None, 3))
>>> len(model.weights)
4
"""
import tapeflow as tf

from ..keras_tensor import KerasTensor
from ..layers.core.input_layer import Input, InputLayer
from ..layers.layer import Layer
from .functional import Graph
from .model import Model
from .. import layers as layers_module

__all__ = ["Sequential"]


class Sequential(Model):
    """Layers applied one after another; built from an Input, `build()` or a first call."""

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._seq_layers = []
        object.__setattr__(self, "_seq_input", None)
        object.__setattr__(self, "_seq_output", None)
        object.__setattr__(self, "_seq_nodes", [])
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._seq_layers)

    def add(self, layer):
        """Appends a layer (or sets the input with `keras.Input(...)`)."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            if history is None or not isinstance(history.layer, InputLayer):
                raise TypeError("The added layer must be an instance of class Layer. "
                                f"Received: layer={layer} of type {type(layer)}.")
            self._set_input(layer)
            return
        if isinstance(layer, InputLayer):
            self._set_input(layer._output_tensor)
            return
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. "
                            f"Received: layer={layer} of type {type(layer)}.")
        for other in self._seq_layers:
            if other.name == layer.name:
                raise ValueError("All layers added to a Sequential model should have unique "
                                 f'names. Name "{layer.name}" is already the name of a layer '
                                 "in this model. Update the `name` argument to pass a unique "
                                 "name.")
        self._seq_layers.append(layer)
        if self._seq_input is None and len(self._seq_layers) == 1 and \
                getattr(layer, "_batch_input_shape", None) is not None:
            self._set_input(Input(batch_shape=layer._batch_input_shape, dtype=layer.dtype))
            return
        if self._seq_output is not None:
            self._extend(layer)

    def pop(self):
        """Removes the last layer."""
        if not self._seq_layers:
            raise TypeError("There are no layers in the model.")
        layer = self._seq_layers.pop()
        if self._seq_input is not None:
            self._set_input(self._seq_input)
        return layer

    def _forget_nodes(self):
        for node in self._seq_nodes:
            nodes = node.layer._inbound_nodes
            if node in nodes and nodes[-1] is node:
                nodes.pop()
        self._seq_nodes.clear()

    def _set_input(self, kt):
        self._forget_nodes()
        object.__setattr__(self, "_seq_input", kt)
        object.__setattr__(self, "_seq_output", kt)
        object.__setattr__(self, "_graph", None)
        for layer in self._seq_layers:
            self._extend(layer)
        if not self._seq_layers:
            object.__setattr__(self, "built", False)

    def _extend(self, layer):
        out = layer(self._seq_output)
        if not isinstance(out, KerasTensor):
            raise ValueError("All layers in a Sequential model should have a single output "
                             f"tensor. For multi-output layers, use the functional API. "
                             f"Layer {layer.name} returned {out}.")
        self._seq_nodes.append(out.node)
        object.__setattr__(self, "_seq_output", out)
        graph = Graph(self._seq_input, out)
        object.__setattr__(self, "_graph", graph)
        object.__setattr__(self, "built", True)

    @property
    def inputs(self):
        return [self._seq_input] if self._seq_input is not None else None

    @property
    def outputs(self):
        return [self._seq_output] if self._seq_output is not None and self._seq_layers else None

    @property
    def input_names(self):
        return [self._seq_input.name] if self._seq_input is not None else None

    @property
    def output_names(self):
        return [self._seq_layers[-1].name] if self._seq_layers else None

    def build(self, input_shape=None):
        """Creates the weights for inputs of `input_shape` (batch dimension included)."""
        if input_shape is None:
            if self._seq_input is None:
                raise ValueError("You must provide an `input_shape` argument.")
            return
        shape = tuple(input_shape.as_list() if hasattr(input_shape, "as_list") else input_shape)
        if self._seq_input is None or tuple(self._seq_input.shape.as_list()) != shape:
            self._set_input(Input(batch_shape=shape, dtype=self._dtype))
        self._build_input_shape = shape
        object.__setattr__(self, "built", True)

    def call(self, inputs, training=None, mask=None):
        if not self._seq_layers:
            return inputs
        x = inputs
        for layer in self._seq_layers:
            x = layer(x)
        return x

    def _convert_inputs(self, inputs):
        return Layer._convert_inputs(self, inputs)

    def _maybe_build(self, inputs):
        if self.built or not hasattr(inputs, "shape"):
            object.__setattr__(self, "built", True)
            return
        shape = [None] + list(tf.TensorShape(inputs.shape).as_list()[1:])
        try:
            self.build(shape)
        except (ValueError, TypeError, AttributeError):
            # layers that cannot be traced symbolically are built by the first real call
            self._forget_nodes()
            object.__setattr__(self, "_seq_input", None)
            object.__setattr__(self, "_seq_output", None)
            object.__setattr__(self, "_graph", None)
        object.__setattr__(self, "built", True)

    def get_config(self):
        config = {"name": self.name, "layers": [
            {"class_name": type(layer).__name__, "config": layer.get_config()}
            for layer in self._seq_layers]}
        if self._seq_input is not None and not getattr(self._seq_layers[0] if self._seq_layers
                                                       else None, "_batch_input_shape", None):
            config["build_input_shape"] = tuple(self._seq_input.shape.as_list())
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new Sequential with fresh layers built from `get_config()`'s output."""
        model = cls(name=config.get("name"))
        if config.get("build_input_shape") is not None:
            model.add(Input(batch_shape=config["build_input_shape"]))
        for layer_config in config["layers"]:
            model.add(layers_module.deserialize(layer_config, custom_objects))
        return model
