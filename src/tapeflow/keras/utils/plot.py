"""`keras.utils.plot_model` / `model_to_dot`: draws a model's layer graph with Graphviz.

Needs the optional `pydot` package and Graphviz's `dot` program:

    pip install pydot        # and: apt-get install graphviz (or brew install graphviz)

>>> keras.utils.plot_model(model, "model.png", show_shapes=True)  # doctest: +SKIP
"""
import os
import shutil

from ..models.summary import _class_name, _output_shape

__all__ = ["plot_model", "model_to_dot"]

_INSTALL = ("You must install pydot (`pip install pydot`) and install graphviz (see "
            "instructions at https://graphviz.gitlab.io/download/, e.g. `apt-get install "
            "graphviz`) for `plot_model` to work.")


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError(_INSTALL) from None
    if shutil.which("dot") is None:
        raise ImportError("Graphviz's `dot` program was not found on PATH. " + _INSTALL)
    return pydot


def _shape_text(shape):
    text = str(shape)
    return text.replace("{", "\\{").replace("}", "\\}").replace("<", "\\<").replace(">", "\\>")


def _layer_label(layer, show_shapes, show_dtype, show_layer_names, show_trainable, relevant):
    name = f"{layer.name}: {_class_name(layer)}" if show_layer_names else _class_name(layer)
    if show_dtype:
        name += f"|{layer.dtype}"
    if show_trainable:
        name += f"|trainable: {'Y' if layer.trainable else 'N'}"
    if not show_shapes:
        return name
    out_shape = _output_shape(layer, relevant)
    nodes = [n for n in layer._inbound_nodes if relevant is None or id(n) in relevant]
    if type(layer).__name__ == "InputLayer":
        in_shape = out_shape
    elif len(nodes) == 1 and nodes[0].keras_inputs:
        ins = [tuple(t.shape.as_list()) for t in nodes[0].keras_inputs]
        in_shape = ins[0] if len(ins) == 1 else ins
    else:
        in_shape = "multiple" if nodes else "?"
    return (f"{{{name}|{{input:|output:}}|{{{{{_shape_text(in_shape)}}}|"
            f"{{{_shape_text(out_shape)}}}}}}}")


def _add_layers(pydot, dot, model, prefix, options, expand_nested):
    """Adds one node per layer (or a cluster per nested model); returns node ids by layer."""
    graph = getattr(model, "_graph", None)
    relevant = {id(n) for n in graph.nodes} if graph is not None else None
    layers = graph.layers if graph is not None else model.layers
    ids = {}
    for layer in layers:
        inner = getattr(layer, "_graph", None)
        if expand_nested and inner is not None:
            sub = pydot.Cluster(f"{prefix}{id(layer)}", label=layer.name, style="dashed")
            inner_ids = _add_layers(pydot, sub, layer, f"{prefix}{id(layer)}_", options, True)
            dot.add_subgraph(sub)
            first = inner_ids[id(inner.layers[0])]
            last = inner_ids[id(inner.outputs[0]._keras_history.layer)]
            ids[id(layer)] = (first, last)
            continue
        node_id = f"{prefix}{id(layer)}"
        label = _layer_label(layer, *options, relevant)
        dot.add_node(pydot.Node(node_id, label=label))
        ids[id(layer)] = node_id
    for layer in layers:
        for node in layer._inbound_nodes:
            if relevant is not None and id(node) not in relevant:
                continue
            for kt in node.keras_inputs:
                src, dst = ids.get(id(kt._keras_history.layer)), ids.get(id(layer))
                if src is None or dst is None:
                    continue
                src = src[1] if isinstance(src, tuple) else src
                dst = dst[0] if isinstance(dst, tuple) else dst
                dot.add_edge(pydot.Edge(src, dst))
    return ids


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=96, subgraph=False, layer_range=None,
                 show_layer_activations=False, show_trainable=False):
    """The model's layer graph as a `pydot.Dot` (one node per layer, edges = tensors)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    pydot = _pydot()
    dot = pydot.Dot(graph_type="digraph")
    dot.set("rankdir", rankdir)
    dot.set("concentrate", True)
    dot.set("dpi", dpi)
    dot.set_node_defaults(shape="record")
    options = (show_shapes, show_dtype, show_layer_names, show_trainable)
    _add_layers(pydot, dot, model, "", options, expand_nested)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96,
               layer_range=None, show_layer_activations=False, show_trainable=False):
    """Writes the model's graph to `to_file` (format from the extension: png, svg, pdf, dot).

    Returns an IPython Image of a png when IPython is installed, else None.
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi, show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    ext = os.path.splitext(to_file)[1][1:].lower() or "png"
    if ext == "dot":
        with open(to_file, "w") as f:
            f.write(dot.to_string())
    else:
        dot.write(to_file, format=ext)
    if ext == "png":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
