"""Functional-model configs in Keras 3's layout, `clone_model` and `model_from_json`.

A functional config lists every layer with its `inbound_nodes`: each node's
call `args`/`kwargs`, where a KerasTensor is written
`{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer name, node index, tensor index]}}`; `input_layers` / `output_layers`
name the graph's ends the same way.

>>> from tapeflow import keras
>>> x = keras.Input((3,)); m = keras.Model(x, keras.layers.Dense(2)(x))
>>> clone_model(m).layers[-1].units
2
"""
import json

from ... import nest
from ..keras_tensor import KerasTensor
from ..saving import serialization as ser
from ..layers.core.input_layer import InputLayer
from .sequential import Sequential

__all__ = ["functional_config", "functional_from_config", "clone_model", "model_from_json"]


def _graph_nodes(model):
    """{id(layer): [nodes of this model, in the layer's call order]}."""
    graph = model._full_graph or model._graph
    keep = {id(n) for n in graph.nodes}
    return {id(l): [n for n in l._inbound_nodes if id(n) in keep] for l in graph.layers}


def _history(kt, nodes):
    h = kt._keras_history
    node = h.layer._inbound_nodes[h.node_index]
    return [h.layer.name, nodes[id(h.layer)].index(node), h.tensor_index]


def _encode_arg(x, nodes):
    if isinstance(x, KerasTensor):
        return {"class_name": "__keras_tensor__", "config": {
            "shape": x.shape.as_list(), "dtype": x.dtype.name,
            "keras_history": _history(x, nodes)}}
    if isinstance(x, (list, tuple)):
        return [_encode_arg(v, nodes) for v in x]
    if isinstance(x, dict):
        return {k: _encode_arg(v, nodes) for k, v in x.items()}
    return ser.encode_value(x)


def functional_config(model):
    """Keras 3 style config of a functional model (see the module docstring)."""
    nodes = _graph_nodes(model)
    layers = []
    for layer in model._graph.layers:
        entry = ser.serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [] if type(layer).__name__ == "InputLayer" else [
            {"args": _encode_arg(list(n.call_args), nodes),
             "kwargs": _encode_arg(n.call_kwargs, nodes)} for n in nodes[id(layer)]]
        layers.append(entry)
    g = model._graph
    ends = lambda kts: [_history(kt, nodes) for kt in kts]  # noqa: E731
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": ends(g.inputs), "output_layers": ends(g.outputs)}


def _ends(spec):
    return [spec] if spec and isinstance(spec[0], str) else list(spec)


def _make_layer(entry, custom_objects):
    if entry["class_name"] == "InputLayer":
        return InputLayer(**ser.keras3_compat("InputLayer", entry["config"]))
    return ser.deserialize_keras_object(entry, custom_objects, safe_mode=ser.in_safe_mode())


def _decode_arg(x, outputs):
    if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
        name, node, index = x["config"]["keras_history"]
        key = (name, node)
        if key not in outputs:
            raise KeyError(key)
        return outputs[key][index]
    if isinstance(x, list):
        return [_decode_arg(v, outputs) for v in x]
    if isinstance(x, dict):
        return {k: _decode_arg(v, outputs) for k, v in x.items()}
    return x


def _ref(name, node, index):
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}


def _node_call(node):
    """A node as `{"args", "kwargs"}`; TF 2's `[[name, node, index, kwargs], ...]` converted."""
    if isinstance(node, dict):
        return node
    refs = [_ref(*entry[:3]) for entry in node]
    kwargs = node[0][3] if len(node) == 1 and len(node[0]) > 3 else {}
    return {"args": refs if len(refs) == 1 else [refs], "kwargs": kwargs or {}}


def functional_from_config(cls, config, custom_objects=None):
    """A new functional model (of class `cls`) with fresh layers, from `functional_config`."""
    built, pending, outputs = {}, [], {}
    for entry in config["layers"]:
        layer = _make_layer(entry, custom_objects)
        name = entry.get("name", layer.name)
        built[name] = layer
        if type(layer).__name__ == "InputLayer":
            outputs[(name, 0)] = [layer._output_tensor]
        for i, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((name, i, _node_call(node)))
    while pending:
        left = []
        for name, i, node in pending:
            try:
                args = _decode_arg(node.get("args", []), outputs)
                kwargs = _decode_arg(node.get("kwargs", {}), outputs)
            except KeyError:
                left.append((name, i, node))
                continue
            layer = built[name]
            if "mask" in kwargs and not layer._call_params()["mask"]:
                # Keras 3 records the mask it passed (often None) for layers whose call
                # takes one there (BatchNormalization); ours without that argument
                # get their masks through the graph instead.
                kwargs = {k: v for k, v in kwargs.items() if k != "mask"}
            outputs[(name, i)] = nest.flatten(layer(*args, **kwargs))
        if len(left) == len(pending):
            raise ValueError("Could not rebuild the functional model: the config's inbound "
                             f"nodes reference layers that never produce them: "
                             f"{sorted({n for n, _, _ in left})}")
        pending = left
    pick = lambda spec: [outputs[(n, i)][t] for n, i, t in _ends(spec)]  # noqa: E731
    ins, outs = pick(config["input_layers"]), pick(config["output_layers"])
    ins = ins[0] if len(ins) == 1 else ins
    outs = outs[0] if len(outs) == 1 else outs
    return cls(inputs=ins, outputs=outs, name=config.get("name"),
               trainable=config.get("trainable", True))


def clone_model(model, input_tensors=None, clone_function=None):
    """A model with the same architecture and freshly initialized weights.

    Functional and Sequential models are rebuilt from their config; `clone_function`
    (a layer -> layer function) is applied to each layer of a Sequential model.
    """
    if isinstance(model, Sequential):
        layers = [clone_function(l) if clone_function else type(l).from_config(l.get_config())
                  for l in model.layers]
        clone = Sequential(layers, name=model.name)
        if model.inputs and not model.layers[0]._batch_input_shape:
            clone.build(tuple(model.inputs[0].shape.as_list()))
        return clone
    if model._graph is None:
        raise ValueError("Expected `model` to be a functional `Model` or a `Sequential` "
                         f"model. Received: model={model!r} (a subclassed model).")
    return functional_from_config(type(model), functional_config(model))


def model_from_json(json_string, custom_objects=None):
    """Rebuilds a model (fresh weights) from `model.to_json()`.

    >>> from tapeflow import keras
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model_from_json(m.to_json()).layers[0].units
    1
    """
    config = json.loads(json_string)
    return ser.deserialize_keras_object(config, custom_objects)
