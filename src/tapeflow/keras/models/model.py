"""keras.Model: a Layer with `layers`, `summary()` and (from Trainer) compile/fit.

Two ways to make one:

    model = keras.Model(inputs, outputs)        # functional: a graph of layers

    class MyModel(keras.Model):                 # subclassing: your own call()
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
        def call(self, inputs):
            return self.dense(inputs)
"""
from ... import nest
from ..keras_tensor import KerasTensor
from ..layers.layer import Layer
from ..layers.core.input_layer import Input
from ..saving import keras_archive, saving_api
from ..trainers.trainer import Trainer
from . import cloning
from .functional import Graph
from .summary import print_summary

__all__ = ["Model"]

_MODEL_KWARGS = {"trainable", "name", "dtype", "dynamic", "autocast", "inputs", "outputs"}


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features."""

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        if (inputs is None) != (outputs is None):
            raise ValueError("A functional Model needs both `inputs` and `outputs`. Received: "
                             f"inputs={inputs!r}, outputs={outputs!r}")
        layer_kwargs = {k: v for k, v in kwargs.items() if k in ("trainable", "name", "dtype",
                                                                 "dynamic")}
        unknown = set(kwargs) - _MODEL_KWARGS
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r}")
        Layer.__init__(self, **layer_kwargs)
        object.__setattr__(self, "_graph", None)
        object.__setattr__(self, "_full_graph", None)
        object.__setattr__(self, "_symbolic_losses", [])
        if inputs is not None:
            self._init_graph(inputs, outputs)

    # -- functional graph -----------------------------------------------------
    def _init_graph(self, inputs, outputs):
        graph = Graph(inputs, outputs)
        object.__setattr__(self, "_graph", graph)
        self._graph_layers = list(graph.layers)
        self.built = True
        object.__setattr__(self, "_graph_inputs", inputs)
        object.__setattr__(self, "_graph_outputs", outputs)

    @property
    def _is_graph_network(self):
        return self._graph is not None

    @property
    def inputs(self):
        return list(self._graph.inputs) if self._graph is not None else None

    @property
    def outputs(self):
        return list(self._graph.outputs) if self._graph is not None else None

    @property
    def input_names(self):
        return [kt.name for kt in self._graph.inputs] if self._graph is not None else None

    @property
    def output_names(self):
        """Names of the layers producing the outputs (keys for dict losses/metrics)."""
        if self._graph is None:
            return None
        if isinstance(self._graph.outputs_struct, dict):
            return sorted(self._graph.outputs_struct)
        return [kt._keras_history.layer.name for kt in self._graph.outputs]

    @property
    def input(self):
        if self._graph is not None:
            return self._graph.inputs_struct
        return Layer.input.fget(self)

    @property
    def output(self):
        if self._graph is not None:
            return self._graph.outputs_struct
        return Layer.output.fget(self)

    @property
    def input_shape(self):
        if self._graph is not None:
            return nest.map_structure(lambda t: tuple(t.shape.as_list()),
                                      self._graph.inputs_struct)
        return Layer.input_shape.fget(self)

    @property
    def output_shape(self):
        """Shape(s) of the model's outputs, `None` for unknown dims: `(None, 2)`."""
        if self._graph is not None:
            return nest.map_structure(lambda t: tuple(t.shape.as_list()),
                                      self._graph.outputs_struct)
        return Layer.output_shape.fget(self)

    @property
    def layers(self):
        """Graph layers (InputLayers included) or tracked sublayers of a subclassed model."""
        if self._graph is not None:
            return list((self._full_graph or self._graph).layers)
        return self._sublayers()

    def to_yaml(self, **kwargs):
        """Removed in tf.keras 2.x: raises RuntimeError (use `to_json()`)."""
        raise RuntimeError("Method `model.to_yaml()` has been removed due to security risk of "
                           "arbitrary code execution. Please use `model.to_json()` instead.")

    def get_layer(self, name=None, index=None):
        """The layer with this name (or at this index in `layers`)."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    def call(self, inputs, training=None, mask=None):
        if self._graph is None:
            raise TypeError(f"Model {type(self).__name__} has no `call()`: subclasses of "
                            "keras.Model must define `call(self, inputs)`, or be built "
                            "with keras.Model(inputs, outputs).")
        if self._full_graph is None:
            return self._graph.run(inputs, mask)
        outputs, losses = self._full_graph.run(inputs, mask)
        Layer.add_loss(self, losses)
        return outputs

    def add_loss(self, losses, **kwargs):
        """Adds losses; functional models also take KerasTensors computed from their inputs.

        A symbolic loss is recomputed from the inputs at every call of the model.
        """
        flat = nest.flatten(losses)
        symbolic = [x for x in flat if isinstance(x, KerasTensor)]
        if symbolic and self._graph is None:
            raise ValueError("add_loss() takes symbolic KerasTensors only on functional "
                             "models (keras.Model(inputs, outputs)).")
        if symbolic:
            self._symbolic_losses.extend(symbolic)
            g = self._graph
            full = Graph(g.inputs_struct, [g.outputs_struct, list(self._symbolic_losses)])
            object.__setattr__(self, "_full_graph", full)
            self._graph_layers = list(full.layers)
        rest = [x for x in flat if not isinstance(x, KerasTensor)]
        if rest:
            Layer.add_loss(self, rest)

    def _convert_inputs(self, inputs):
        if self._graph is not None:
            return inputs  # Graph.run casts each input to its Input's dtype
        return Layer._convert_inputs(self, inputs)

    def _maybe_build(self, inputs):
        if self._graph is not None:
            return
        Layer._maybe_build(self, inputs)

    def build(self, input_shape):
        """Subclassed models: builds the weights by calling the model on a symbolic input."""
        if self._graph is not None or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling `build()` on a `Model` "
                             "subclass.")
        object.__setattr__(self, "built", True)
        shapes = _shape_structure(input_shape)
        if isinstance(shapes, list):
            symbolic = [Input(batch_shape=s, dtype=self._dtype) for s in shapes]
        elif isinstance(shapes, dict):
            symbolic = {k: Input(batch_shape=s, dtype=self._dtype, name=k)
                        for k, s in shapes.items()}
        else:
            symbolic = Input(batch_shape=shapes, dtype=self._dtype)
        self._build_input_shape = input_shape
        self(symbolic)
        self.built = True

    # -- weights --------------------------------------------------------------
    def _assert_weights_created(self):
        cls = type(self)
        custom_build = any("build" in k.__dict__ for k in cls.__mro__
                           if k not in (Model, Layer, Trainer, object))
        if custom_build and not self.built:
            raise ValueError(f"Weights for model '{self.name}' have not yet been created. "
                             "Weights are created when the model is first called on inputs "
                             "or `build()` is called with an `input_shape`.")

    @property
    def weights(self):
        self._assert_weights_created()
        return Layer.weights.fget(self)

    variables = weights

    @property
    def trainable_weights(self):
        self._assert_weights_created()
        return Layer.trainable_weights.fget(self)

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        self._assert_weights_created()
        return Layer.non_trainable_weights.fget(self)

    non_trainable_variables = non_trainable_weights

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints the layer table (TF 2.15 tf.keras layout); see `models.summary`."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # -- config and saving (the formats live in keras/saving) -------------------
    def get_config(self):
        """The functional graph's config (layers and connections); subclassed models
        override this to be rebuilt by `from_config`."""
        if self._graph is not None and type(self).get_config is Model.get_config \
                and not hasattr(self, "_seq_layers"):
            return cloning.functional_config(self)
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a functional model from `get_config()`, else calls `cls(**config)`."""
        if "input_layers" in config and "layers" in config:
            return cloning.functional_from_config(cls, config, custom_objects)
        return cls(**config)

    def get_compile_config(self):
        """The JSON-ready arguments of the last `compile()` (None before compile, or when
        they are not serializable); saved in `.keras` archives and h5 model files."""
        args = getattr(self, "_compile_args", None)
        if args is None:
            return None
        try:
            return keras_archive.compile_config_of(self.optimizer, **args)
        except (TypeError, ValueError):
            return None

    def save(self, filepath, overwrite=True, save_format=None, **kwargs):
        """Saves the model: `keras.saving.save_model(self, filepath, ...)`."""
        if save_format is not None:
            kwargs["save_format"] = save_format
        return saving_api.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        """Saves the weights: see `keras.saving.saving_api.save_weights`."""
        return saving_api.save_weights(self, filepath, overwrite=overwrite,
                                       save_format=save_format, options=options)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, options=None):
        """Loads weights saved by `save_weights` (or a `.keras`/h5 file's weights)."""
        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch,
                                       by_name=by_name, options=options)

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (`keras.models.model_from_json`)."""
        return saving_api.to_json(self, **kwargs)


def _shape_structure(shape):
    if isinstance(shape, (list, tuple)) and shape and all(
            isinstance(s, (list, tuple)) or hasattr(s, "as_list") for s in shape):
        return [tuple(s) for s in shape]
    if isinstance(shape, dict):
        return {k: tuple(v) for k, v in shape.items()}
    return tuple(shape)
