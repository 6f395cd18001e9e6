"""The layer graph of a functional model: built from KerasTensors, run on real tensors.

`Graph(inputs, outputs)` walks back from the outputs through the Nodes that
produced them, orders the nodes so that every node comes after its parents,
and lists the layers by decreasing depth (inputs first). `Graph.run` feeds
values through the nodes in that order.
"""
import tapeflow as tf

from ... import nest
from ..keras_tensor import KerasTensor
from ..layers import call_context

__all__ = ["Graph"]


def _check_symbolic(structure, what):
    for x in nest.flatten(structure):
        if not isinstance(x, KerasTensor):
            raise ValueError(f"All `{what}` values must be KerasTensors (from `keras.Input` "
                             f"or from layers called on them). Received: {x!r} "
                             f"(of type {type(x).__name__})")


def _describe(kt):
    return f"KerasTensor(shape={kt.shape}, dtype={kt.dtype.name}, name='{kt.name}')"


class Graph:
    """Nodes, layers and depths of the DAG between `inputs` and `outputs`."""

    def __init__(self, inputs, outputs):
        _check_symbolic(inputs, "inputs")
        _check_symbolic(outputs, "outputs")
        self.inputs_struct = inputs
        self.outputs_struct = outputs
        self.inputs = nest.flatten(inputs) if nest.is_nested(inputs) else [inputs]
        self.outputs = nest.flatten(outputs) if nest.is_nested(outputs) else [outputs]
        if isinstance(inputs, dict):  # keep the user's key order, not sorted order
            self.inputs = list(inputs.values())
        for kt in self.inputs:
            node = kt.node
            if node is None or not node.is_input:
                layer = kt._keras_history.layer.name if kt._keras_history else None
                raise ValueError("Input tensors to a Model must come from `keras.Input`. "
                                 f"Received: {kt!r} (produced by layer {layer!r}).")
        self._build()

    def _build(self):
        depth, order, seen = {}, [], set()

        def visit(node, d):
            key = id(node)
            if depth.get(key, -1) < d:
                depth[key] = d
                for parent in node.parent_nodes:
                    visit(parent, d + 1)
            if key not in seen:
                seen.add(key)
                order.append(node)

        for kt in self.outputs:
            visit(kt.node, 0)
        input_ids = {id(kt) for kt in self.inputs}
        available = set(input_ids)
        ordered = sorted(order, key=lambda n: -depth[id(n)])
        done = []
        for node in ordered:
            if node.is_input:
                if id(node.outputs) not in input_ids:
                    continue
            else:
                for kt in node.keras_inputs:
                    if id(kt) not in available:
                        raise ValueError(
                            f"Graph disconnected: cannot obtain value for tensor {_describe(kt)}"
                            f' at layer "{node.layer.name}". The following previous layers '
                            f"were accessed without issue: {[n.layer.name for n in done]}")
            available.update(id(o) for o in node.flat_outputs)
            done.append(node)
        for kt in self.outputs:
            if id(kt) not in available:
                raise ValueError(f"Graph disconnected: cannot obtain value for output "
                                 f"{_describe(kt)}.")
        self.nodes = done
        self.node_depth = {id(n): depth[id(n)] for n in done}
        # input layers keep the model's input order, then layers by decreasing depth
        layers, lseen = [], set()
        for kt in self.inputs:
            layer = kt._keras_history.layer
            if id(layer) not in lseen:
                lseen.add(id(layer))
                layers.append(layer)
        for node in done:
            if id(node.layer) not in lseen:
                lseen.add(id(node.layer))
                layers.append(node.layer)
        self.layers = layers

    def nodes_by_depth(self):
        out = {}
        for node in self.nodes:
            out.setdefault(self.node_depth[id(node)], []).append(node)
        return out

    def conform_inputs(self, inputs):
        """Real inputs (one, a list, or a dict keyed by input names) -> list in input order."""
        if isinstance(inputs, dict):
            if isinstance(self.inputs_struct, dict):
                keys = list(self.inputs_struct)
                names = {k: self.inputs_struct[k] for k in keys}
                missing = [k for k in keys if k not in inputs]
                if not missing:
                    return [inputs[k] for k in keys]
            names = [kt.name for kt in self.inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Missing data for input {missing[0]!r}. You passed a data "
                                 f"dictionary with keys {sorted(inputs)}. Expected the "
                                 f"following keys: {names}")
            return [inputs[n] for n in names]
        flat = nest.flatten(inputs) if nest.is_nested(inputs) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Layer \"model\" expects {len(self.inputs)} input(s), but it "
                             f"received {len(flat)} input tensors.")
        return flat

    def run(self, inputs, masks=None):
        """Outputs of the graph for real `inputs`, in the structure of `outputs`."""
        values = {}
        for kt, x in zip(self.inputs, self.conform_inputs(inputs)):
            t = x if getattr(kt, "ragged", False) and isinstance(x, tf.RaggedTensor) else \
                tf.convert_to_tensor(x)
            if t.dtype != kt.dtype and kt.dtype.is_floating or (
                    t.dtype != kt.dtype and kt.dtype.is_integer and t.dtype.is_integer):
                t = tf.cast(t, kt.dtype)
            values[id(kt)] = t
        if masks is not None:
            for kt, m in zip(self.inputs, nest.flatten(masks)):
                call_context.set_mask(values[id(kt)], m)
        for node in self.nodes:
            if node.is_input:
                continue
            args, kwargs = node.map_arguments(values)
            out = node.layer(*args, **kwargs)
            flat = [out] if type(out) is tf.Tensor else nest.flatten(out)
            if len(flat) != len(node.flat_outputs):
                raise ValueError(f"Layer {node.layer.name} returned {len(flat)} outputs when "
                                 f"run, but {len(node.flat_outputs)} when the model was built.")
            for kt, t in zip(node.flat_outputs, flat):
                values[id(kt)] = t
        flat_out = [values[id(kt)] for kt in self.outputs]
        if not nest.is_nested(self.outputs_struct):
            return flat_out[0]
        return nest.pack_sequence_as(self.outputs_struct, flat_out)
