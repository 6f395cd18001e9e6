"""`model.summary()`: the layer table in TF 2.15 tf.keras' layout.

A chain of layers prints three columns in 65 characters (at 45% / 85% / 100%);
a branching functional model adds "Connected to" in 98 characters. Each row
is followed by a blank row; long cells wrap after "),", "],", "}," or "',".
"""
import numpy as np

from ... import nest

__all__ = ["print_summary", "readable_memory_size"]

_BREAKS = ("),", "},", "],", "',")


def readable_memory_size(n_bytes):
    """`3624` -> `'3.54 KB'`, `0` -> `'0.00 Byte'`."""
    size = float(n_bytes)
    for unit in ("Byte", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} EB"


def _count(weights):
    return int(sum(np.prod(w.shape.as_list()) for w in weights))


def _nbytes(weights):
    return int(sum(np.prod(w.shape.as_list()) * w.dtype.size for w in weights))


def _row(fields, positions, nested=0):
    """Lines of one table row; cells too wide for their column wrap onto more lines."""
    cells = [str(f) for f in fields]
    last = len(positions) - 1
    lines = []
    while any(cells) or not lines:
        line = ""
        for col, text in enumerate(cells):
            start = positions[col - 1] if col else 0
            gap = 0 if col == last else 2
            width = positions[col] - start - gap - (0 if col == last else 1)
            if col == 0:
                width -= nested
            piece = text[:width]
            cuts = [piece.find(b) + len(b) for b in _BREAKS if piece.find(b) >= 0]
            if cuts:
                piece = piece[:min(cuts)]
            if col == 0:
                line += "|" * nested + " "
            line += piece + " " * gap
            cells[col] = text[len(piece):]
            target = positions[col] - (nested if nested and col == last else 0)
            line += " " * (target - len(line))
        lines.append(line + "|" * nested)
    return lines


def _sequential_like(model):
    graph = getattr(model, "_graph", None)
    if graph is None or type(model).__name__ == "Sequential":
        return True
    used = set()
    for nodes in graph.nodes_by_depth().values():
        if len(nodes) > 1 or len(nodes[0].keras_inputs) > 1:
            return False
        used.update(id(n) for n in nodes)
    for layer in model.layers:
        if sum(id(n) in used for n in layer._inbound_nodes) > 1:
            return False
    return True


def _class_name(layer):
    cls = type(layer).__name__
    if cls == "Model" and getattr(layer, "_graph", None) is not None:
        return "Functional"
    return cls


def _shape_text(shapes):
    return str(shapes)


def _output_shape(layer, relevant):
    if hasattr(layer, "_batch_input_shape") and type(layer).__name__ == "InputLayer":
        return [tuple(layer._batch_input_shape)]
    nodes = [n for n in layer._inbound_nodes if relevant is None or id(n) in relevant]
    if len(nodes) == 1:
        return nest.map_structure(lambda t: tuple(t.shape.as_list()), nodes[0].outputs)
    try:
        return layer.output_shape
    except AttributeError:
        return "multiple"


def _connections(layer, relevant):
    out = []
    for node in layer._inbound_nodes:
        if relevant is not None and id(node) not in relevant:
            continue
        for kt in node.keras_inputs:
            h = kt._keras_history
            out.append(f"{h.layer.name}[{h.node_index}][{h.tensor_index}]")
    return out


def _relevant_nodes(model):
    graph = getattr(model, "_full_graph", None) or getattr(model, "_graph", None)
    if graph is None:
        return None
    return {id(n) for n in graph.nodes}


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Prints the summary of `model` (line by line through `print_fn`, default print)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    print_fn = print_fn or print
    seq = _sequential_like(model)
    if seq:
        line_length = line_length or 65
        positions = list(positions or [0.45, 0.85, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = list(positions or [0.3, 0.6, 0.7, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        header.append("Trainable")
    layers = model.layers
    if layer_range is not None:
        names = [layer.name for layer in layers]
        lo, hi = names.index(layer_range[0]), names.index(layer_range[1])
        layers = layers[lo:hi + 1]

    def emit(lines):
        for line in lines:
            print_fn(line)

    def layer_rows(layer, level, relevant):
        fields = [f"{layer.name} ({_class_name(layer)})",
                  _shape_text(_output_shape(layer, relevant)),
                  layer.count_params() if layer.built else 0]
        if not seq:
            fields.append(_connections(layer, relevant))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        emit(_row(fields, positions, level))
        inner = getattr(layer, "layers", None) if expand_nested else None
        if not inner:
            return False
        # as tf.keras: nested rows list connections only among the outer model's nodes
        print_fn("|" * (level + 1) + "¯" * (line_length - 2 * level - 2) + "|" * (level + 1))
        for i, sub in enumerate(inner):
            expanded = layer_rows(sub, level + 1, relevant)
            if i < len(inner) - 1 and not expanded:
                emit(_row([""] * len(positions), positions, level + 1))
        print_fn("|" * level + "¯" * (line_length - 2 * level) + "|" * level)
        return True

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    emit(_row(header, positions))
    print_fn("=" * line_length)
    relevant = _relevant_nodes(model)
    for layer in layers:
        if not layer_rows(layer, 0, relevant):  # an expanded block closes with its own line
            emit(_row([""] * len(positions), positions))
    print_fn("=" * line_length)
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    t_count, n_count = _count(trainable), _count(non_trainable)
    t_size, n_size = _nbytes(trainable), _nbytes(non_trainable)
    print_fn(f"Total params: {t_count + n_count} ({readable_memory_size(t_size + n_size)})")
    print_fn(f"Trainable params: {t_count} ({readable_memory_size(t_size)})")
    print_fn(f"Non-trainable params: {n_count} ({readable_memory_size(n_size)})")
    print_fn("_" * line_length)
