"""tf.summary.trace_on(graph=True) / trace_export write a GraphDef that TensorBoard's
EventAccumulator reads back: one node per primitive of the traced jaxpr, with edges."""
import collections

import jax
import jax.numpy as jnp
import pytest

import tapeflow as tf
from tapeflow.summary.graph_def import graph_def

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")

_FRAMING = {"Placeholder", "Const", "Identity"}


def _graph(logdir):
    acc = ea.EventAccumulator(str(logdir))
    acc.Reload()
    return acc.Graph()


def test_graph_def_of_a_jaxpr_matches_its_equations():
    def fn(x, y):
        return jnp.sin(x) * 3.0 + jnp.dot(y, y).sum()

    closed = jax.make_jaxpr(fn)(jnp.ones(2, jnp.float32), jnp.ones((2, 2), jnp.float32))
    g = graph_pb2.GraphDef.FromString(graph_def(closed))
    eqns = closed.jaxpr.eqns
    ops = [n.op for n in g.node if n.op not in _FRAMING]
    assert ops == [e.primitive.name for e in eqns]
    literals = sum(type(v).__name__ == "Literal" for e in eqns for v in e.invars)
    kinds = collections.Counter(n.op for n in g.node)
    assert kinds["Placeholder"] == len(closed.jaxpr.invars)
    assert kinds["Identity"] == len(closed.jaxpr.outvars)
    assert kinds["Const"] == literals + len(closed.jaxpr.constvars)
    nodes = {n.name: n for n in g.node}
    # each primitive's inputs are the nodes producing its operands, in order
    producer = {str(v): n for n, e in zip([n for n in g.node if n.op not in _FRAMING], eqns)
                for v in e.outvars}
    producer.update({str(v): f"arg_{i}" for i, v in enumerate(closed.jaxpr.invars)})
    for node, e in zip([n for n in g.node if n.op not in _FRAMING], eqns):
        for name, v in zip(node.input, e.invars):
            if type(v).__name__ == "Literal":
                assert nodes[name].op == "Const"
            else:
                want = producer[str(v)]
                assert name == (want if isinstance(want, str) else want.name)
        shapes = [[d.size for d in s.dim] for s in node.attr["_output_shapes"].list.shape]
        assert shapes == [list(v.aval.shape) for v in e.outvars]
    assert nodes["arg_1"].attr["dtype"].type == 1  # DT_FLOAT


def test_trace_export_writes_the_functions_traced_after_trace_on(tmp_path):
    v = tf.Variable(2.0)

    @tf.function
    def before(x):
        return x + 1.0

    @tf.function
    def f(x, y):
        return tf.sin(x) * v + tf.matmul(y, y)

    before(tf.constant(1.0))  # traced before trace_on: not exported
    writer = tf.summary.create_file_writer(str(tmp_path))
    tf.summary.trace_on(graph=True)
    x, y = tf.constant([1.0, 2.0]), tf.ones([2, 2])
    f(x, y)
    with writer.as_default():
        tf.summary.trace_export("f_trace", step=3)
    writer.flush()
    g = _graph(tmp_path)
    assert all(n.name.startswith("f/") for n in g.node)
    ops = [n.op for n in g.node if n.op not in _FRAMING]
    want = [op.type for op in f.get_concrete_function(x, y).graph.get_operations()]
    assert ops == want and {"sin", "mul", "dot_general", "add"} <= set(ops)
    by_op = {n.op: n for n in g.node}
    placeholders = {n.name: [d.size for d in n.attr["shape"].shape.dim] for n in g.node
                    if n.op == "Placeholder"}
    assert placeholders[by_op["sin"].input[0]] == [2]  # sin reads x
    assert [placeholders[i] for i in by_op["dot_general"].input] == [[2, 2], [2, 2]]
    assert by_op["Identity"].input == [by_op["add"].name]


def test_trace_export_needs_a_step_and_skips_without_writer(tmp_path):
    f = tf.function(lambda x: x * 2.0)
    tf.summary.trace_on(graph=True)
    f(tf.constant(1.0))
    tf.summary.trace_export("no_writer")  # no default writer: nothing written, no error
    writer = tf.summary.create_file_writer(str(tmp_path))
    tf.summary.trace_on(graph=True)
    f(tf.constant([1.0]))
    with writer.as_default():
        with pytest.raises(ValueError, match="step"):
            tf.summary.trace_export("no_step")


def test_summary_graph_writes_a_concrete_functions_graph(tmp_path):
    f = tf.function(lambda x: tf.exp(x) - 1.0)
    g = f.get_concrete_function(tf.constant([1.0])).graph
    assert tf.summary.graph(g) is False  # no default writer
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert tf.summary.graph(g) is True
    writer.flush()
    ops = [n.op for n in _graph(tmp_path).node if n.op not in _FRAMING]
    assert ops == [op.type for op in g.get_operations()]

