"""A traced tf.function's program as a TensorFlow GraphDef, for TensorBoard's Graphs tab.

tapeflow's programs are jaxprs; the GraphDef has one node per jaxpr primitive
(op = the primitive's name, e.g. `sin`, `dot_general`, `pjit`), a
`Placeholder` per program input, a `Const` per constant or literal operand and
an `Identity` per output. Edges are the node inputs; each node carries the
dtype (`T`) and the `_output_shapes` TensorBoard draws on edges. The protos are
written by hand with `lib/io/wire.py` (GraphDef, NodeDef, AttrValue,
TensorShapeProto field numbers as in TF's graph.proto).

>>> import jax, jax.numpy as jnp
>>> from tapeflow.lib.io import wire
>>> g = graph_def(jax.make_jaxpr(jnp.sin)(1.0))
>>> len(wire.parse(g)[1])  # Placeholder, sin, Identity
3
"""
import numpy as np
from jax.extend import core as jax_core

from ..lib.io import wire

__all__ = ["graph_def", "DATATYPE"]

# TF's DataType enum values (types.proto)
DATATYPE = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
            "object": 7, "complex64": 8, "int64": 9, "bool": 10, "bfloat16": 14,
            "uint16": 17, "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}


def _dtype_enum(aval):
    try:
        return DATATYPE.get(np.dtype(aval.dtype).name, 0)
    except TypeError:  # jax's extended dtypes (PRNG keys, float0)
        return 0


def _shape(aval):
    dims = getattr(aval, "shape", None)
    if dims is None:
        return wire.varint_field(3, 1)  # unknown_rank
    return b"".join(wire.bytes_field(2, wire.varint_field(1, int(d))) for d in dims)


def _attr(key, value):
    return wire.bytes_field(5, wire.bytes_field(1, key) + wire.bytes_field(2, value))


def _node(name, op, inputs, avals, dtype_key="T", extra=b""):
    body = wire.bytes_field(1, name) + wire.bytes_field(2, op)
    body += b"".join(wire.bytes_field(3, i) for i in inputs)
    if avals:
        body += _attr(dtype_key, wire.varint_field(6, _dtype_enum(avals[0])))
        shapes = b"".join(wire.bytes_field(7, _shape(a)) for a in avals)
        body += _attr("_output_shapes", wire.bytes_field(1, shapes))
    return wire.bytes_field(1, body + extra)


def _is_literal(v):
    return isinstance(v, jax_core.Literal)


class _Builder:
    def __init__(self, scope):
        self.scope = scope
        self.nodes = []
        self.names = {}  # jaxpr Var -> "node" or "node:k"

    def name(self, base):
        return f"{self.scope}/{base}" if self.scope else base

    def source(self, v, consumer, j):
        if _is_literal(v):  # an inline constant: its own Const node inside the consumer
            const = f"{consumer}/literal_{j}"
            self.nodes.append(_node(const, "Const", [], [v.aval], "dtype"))
            return const
        return self.names[v]

    def program(self, closed):
        jaxpr = getattr(closed, "jaxpr", closed)
        for i, v in enumerate(jaxpr.constvars):
            self.names[v] = self.name(f"const_{i}")
            self.nodes.append(_node(self.names[v], "Const", [], [v.aval], "dtype"))
        for i, v in enumerate(jaxpr.invars):
            self.names[v] = self.name(f"arg_{i}")
            shape = _attr("shape", wire.bytes_field(7, _shape(v.aval)))
            self.nodes.append(_node(self.names[v], "Placeholder", [], [v.aval], "dtype",
                                    shape))
        for k, eqn in enumerate(jaxpr.eqns):
            prim = eqn.primitive.name
            node = self.name(f"{prim}_{k}")
            inputs = [self.source(v, node, j) for j, v in enumerate(eqn.invars)]
            outs = [v for v in eqn.outvars]
            self.nodes.append(_node(node, prim, inputs, [v.aval for v in outs]))
            for idx, v in enumerate(outs):
                if not isinstance(v, jax_core.DropVar):
                    self.names[v] = node if idx == 0 else f"{node}:{idx}"
        for i, v in enumerate(jaxpr.outvars):
            out = self.name(f"output_{i}")
            self.nodes.append(_node(out, "Identity", [self.source(v, out, 0)], [v.aval]))


def graph_def(programs):
    """Serialized GraphDef of one jaxpr, or of {scope name: jaxpr} (one name scope each)."""
    if not isinstance(programs, dict):
        programs = {"": programs}
    nodes = []
    for scope, closed in programs.items():
        b = _Builder(scope)
        b.program(closed)
        nodes.extend(b.nodes)
    versions = wire.bytes_field(4, wire.varint_field(1, 1))  # VersionDef.producer
    return b"".join(nodes) + versions
