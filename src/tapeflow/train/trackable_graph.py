"""The object graph of a checkpoint: which objects hold which values, named as TF 2 names them.

Children of each kind of object, as TF 2.15 / tf.keras 2.15 write them:
- `tf.train.Checkpoint`: its keyword arguments (sorted), then `save_counter`;
- lists and tuples: `"0"`, `"1"`...; dicts: their keys;
- Keras Sequential / functional models: `layer_with_weights-<i>` for each layer
  holding weights, `layer-<j>` for every layer; any layer: its own variables by
  their `add_weight` name (`kernel`, `moving_mean`), then sublayers, variables and
  lists/dicts of them held in attributes, by attribute name; a compiled model's
  `optimizer`;
- Keras optimizers: `_iterations`, `_learning_rate` (a Variable unless a
  schedule), `_variables` (iterations, then the slots in creation order);
- `tf.Module` (and anything with `_trackable_children()`): that mapping;
- objects with `_serialize_to_tensors()` store one tensor per returned name.
A value is stored under `<escaped path>/.ATTRIBUTES/<name>` (VARIABLE_VALUE for a
Variable) where the path is the first found in breadth-first order.

>>> import tapeflow as tf
>>> g = build_graph({"v": tf.Variable(1.0)})
>>> [a.key for n in g for a in n.attributes]
['v/.ATTRIBUTES/VARIABLE_VALUE']
"""
import numpy as np

from ..framework.variables import Variable
from ..lib.io import wire

__all__ = ["children", "build_graph", "serialize_graph", "parse_graph", "escape",
           "VARIABLE_VALUE", "OBJECT_GRAPH_KEY"]

VARIABLE_VALUE = "VARIABLE_VALUE"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def escape(name):
    """TF's escaping of a child name inside a checkpoint key ('.' -> '..', '/' -> '.S')."""
    return str(name).replace(".", "..").replace("/", ".S")


def _is_layer(obj):
    return hasattr(obj, "_own_variables") and hasattr(obj, "_sublayers")


def _is_metric(obj):
    return all(hasattr(obj, a) for a in ("update_state", "result", "reset_state"))


def _is_optimizer(obj):
    return hasattr(obj, "apply_gradients") and hasattr(obj, "_variables") and \
        hasattr(obj, "iterations")


def is_trackable(obj):
    """Objects that own checkpoint values or children (containers included)."""
    if isinstance(obj, Variable):
        return True
    if _is_metric(obj) or isinstance(obj, (str, bytes, type)):
        return False
    if isinstance(obj, (list, tuple, dict)):
        return any(is_trackable(v) for v in (obj.values() if isinstance(obj, dict) else obj))
    return (_is_layer(obj) or _is_optimizer(obj) or hasattr(obj, "_trackable_children") or
            hasattr(obj, "_serialize_to_tensors"))


def _short_name(var, layer_name):
    name = var.name[:-2] if var.name.endswith(":0") else var.name
    prefix = layer_name + "/"
    return name[len(prefix):] if name.startswith(prefix) else None


_LAYER_SKIP = frozenset({"_seq_layers", "_graph_layers", "_layers", "optimizer",
                         "_self_tracked_trackables"})


def _layer_children(layer):
    out, taken = [], set()

    def add(name, obj):
        base, n = name, 1
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        out.append((name, obj))

    layers = None
    if hasattr(layer, "_seq_layers") or getattr(layer, "_graph_layers", None) is not None:
        layers = list(layer.layers)
        with_weights = [l for l in layers if l.weights]
        for i, sub in enumerate(with_weights):
            add(f"layer_with_weights-{i}", sub)
        for j, sub in enumerate(layers):
            add(f"layer-{j}", sub)
    attr_of = {id(v): k for k, v in layer.__dict__.items() if isinstance(v, Variable)}
    own = list(layer._own_variables())
    for var in own:
        add(_short_name(var, layer.name) or attr_of.get(id(var)) or "variable", var)
    done = {id(v) for v in own} | {id(l) for l in layers or ()}
    # A Layer names its bookkeeping attributes (keras.layers.tracking.UNTRACKED) in
    # tf.Module's ignored-properties set: the protocol, so train/ needs no keras import.
    untracked = getattr(layer, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
    for key, value in layer.__dict__.items():
        if key in untracked or key in _LAYER_SKIP or id(value) in done:
            continue
        if isinstance(value, Variable):
            continue  # own variables are listed above
        if is_trackable(value):
            add(key, value)
    optimizer = layer.__dict__.get("optimizer")
    if optimizer is not None and is_trackable(optimizer):
        add("optimizer", optimizer)
    return out


def _optimizer_children(opt):
    out = [("_iterations", opt.iterations)]
    lr = getattr(opt, "_learning_rate", None)
    if isinstance(lr, Variable):
        out.append(("_learning_rate", lr))
    out.append(("_variables", list(opt._variables)))
    return out


def children(obj):
    """[(local name, child)] of a trackable object, in TF's order."""
    if hasattr(obj, "_checkpoint_children"):  # tf.train.Checkpoint
        return obj._checkpoint_children()
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj) if is_trackable(v)]
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in obj.items() if is_trackable(v)]
    if _is_layer(obj):
        return _layer_children(obj)
    if _is_optimizer(obj):
        return _optimizer_children(obj)
    if hasattr(obj, "_trackable_children"):
        return [(str(k), v) for k, v in obj._trackable_children().items() if is_trackable(v)]
    return []


def serialized_tensors(obj):
    """{attribute name: value getter} of the values `obj` itself stores."""
    if isinstance(obj, Variable):  # a host view of the jax array, not a copy
        return {VARIABLE_VALUE: lambda: np.asarray(obj._value)}
    if hasattr(obj, "_serialize_to_tensors") and not isinstance(obj, (list, dict, tuple)):
        return {k: (lambda v=v: np.asarray(v.numpy() if hasattr(v, "numpy") else v))
                for k, v in obj._serialize_to_tensors().items()}
    return {}


class Attribute:
    def __init__(self, name, full_name, key, getter):
        self.name, self.full_name, self.key, self.getter = name, full_name, key, getter


class Node:
    """One object of the graph: its children (name, node id) and stored attributes."""

    def __init__(self, obj, path):
        self.obj, self.path, self.children, self.attributes = obj, path, [], []


def build_graph(root, exclude=()):
    """Breadth-first [Node] from `root` (node 0), each object once; objects whose id is
    in `exclude` are left out (with everything reachable only through them)."""
    nodes, ids = [Node(root, ())], {id(root): 0}
    queue = [0]
    exclude = set(exclude)
    while queue:
        node = nodes[queue.pop(0)]
        for name, child in children(node.obj):
            if id(child) in exclude:
                continue
            if id(child) not in ids:
                ids[id(child)] = len(nodes)
                nodes.append(Node(child, node.path + (name,)))
                queue.append(ids[id(child)])
            node.children.append((name, ids[id(child)]))
        prefix = "/".join(escape(p) for p in node.path)
        for attr, getter in serialized_tensors(node.obj).items():
            full = getattr(node.obj, "name", "") if isinstance(node.obj, Variable) else ""
            full = full[:-2] if full.endswith(":0") else full
            key = f"{prefix}/.ATTRIBUTES/{attr}" if prefix else f".ATTRIBUTES/{attr}"
            node.attributes.append(Attribute(attr, full, key, getter))
    return nodes


def serialize_graph(nodes):
    """The TrackableObjectGraph proto bytes of `build_graph`'s nodes."""
    out = []
    for node in nodes:
        body = b"".join(wire.bytes_field(1, wire.varint_field(1, cid) + wire.bytes_field(2, name))
                        for name, cid in node.children)
        body += b"".join(wire.bytes_field(2, wire.bytes_field(1, a.name) +
                                          wire.bytes_field(2, a.full_name) +
                                          wire.bytes_field(3, a.key))
                         for a in node.attributes)
        body += wire.bytes_field(5, wire.varint_field(1, 1))  # has_checkpoint_values
        out.append(wire.bytes_field(1, body))
    return b"".join(out)


class SavedNode:
    """A node of a parsed object graph: children {name: id}, attributes {name: key}."""

    def __init__(self, children, attributes, slot_variables):
        self.children, self.attributes, self.slot_variables = \
            children, attributes, slot_variables


def parse_graph(data):
    """[SavedNode] of a serialized TrackableObjectGraph."""
    out = []
    for raw in wire.parse(data).get(1, []):
        fields = wire.parse(raw)
        kids = {}
        for c in fields.get(1, []):
            cf = wire.parse(c)
            kids.setdefault(wire.first(cf, 2, b"").decode("utf8"), wire.first(cf, 1, 0))
        attrs = {}
        for a in fields.get(2, []):
            af = wire.parse(a)
            attrs[wire.first(af, 1, b"").decode("utf8")] = wire.first(af, 3, b"").decode("utf8")
        slots = []
        for s in fields.get(3, []):
            sf = wire.parse(s)
            slots.append((wire.first(sf, 1, 0), wire.first(sf, 2, b"").decode("utf8"),
                          wire.first(sf, 3, 0)))
        out.append(SavedNode(kids, attrs, slots))
    return out
