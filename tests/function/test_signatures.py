"""tf.function completeness: string arguments, concrete-function introspection,
unknown-rank and nested specs, TraceType keys, retrace messages, variables whose
initial value depends on the arguments, leaked tensors."""
import logging

import numpy as np
import pytest

import tapeflow as tf


def test_string_tensors_are_static_arguments_and_outputs():
    @tf.function
    def f(s, x):
        return s, x * 2

    s, y = f(tf.constant("abc"), tf.constant(1))
    assert s.numpy() == b"abc" and int(y) == 2
    f(tf.constant("abc"), tf.constant(2))
    assert f.experimental_get_tracing_count() == 1
    s, _ = f(tf.constant("xyz"), tf.constant(2))  # a new string value retraces
    assert s.numpy() == b"xyz" and f.experimental_get_tracing_count() == 2


def test_concrete_function_signature_outputs_and_graph():
    @tf.function
    def f(x, scale):
        return {"y": tf.sin(x) * scale}

    c = f.get_concrete_function(tf.TensorSpec([None, 3], tf.float32), 2.0)
    args, kwargs = c.structured_input_signature
    assert args[0] == tf.TensorSpec([None, 3], tf.float32) and args[1] == 2.0 and kwargs == {}
    out = f(tf.ones([2, 3]), 2.0)["y"]
    np.testing.assert_allclose(out.numpy(), np.sin(np.ones([2, 3])) * 2.0, rtol=1e-6)

    d = f.get_concrete_function(tf.TensorSpec([2], tf.float32), 2.0)
    assert set(d.structured_outputs) == {"y"}
    assert "sin" in [op.type for op in d.graph.get_operations()]
    text = f.pretty_printed_concrete_signatures()
    assert "f(x, scale)" in text and "x: float32 Tensor, shape=(2,)" in text
    assert "Returns:" in text


def test_unknown_rank_and_nested_specs():
    @tf.function
    def f(x):
        return x * 2

    c = f.get_concrete_function(tf.TensorSpec(None, tf.float32))
    assert c(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert c(tf.constant([[1.0]])).numpy().tolist() == [[2.0]]
    with pytest.raises(TypeError):
        c(tf.constant([1, 2]))  # int32 does not fit the float32 spec

    @tf.function
    def g(d):
        return d["a"] + tf.cast(tf.reduce_sum(d["b"][0]), tf.float32)

    spec = {"a": tf.TensorSpec([2], tf.float32), "b": [tf.TensorSpec([3], tf.int32)]}
    cg = g.get_concrete_function(spec)
    assert cg.structured_input_signature[0][0]["b"][0] == tf.TensorSpec([3], tf.int32)
    r = cg({"a": tf.constant([1.0, 2.0]), "b": [tf.constant([1, 2, 3])]})
    assert r.numpy().tolist() == [7.0, 8.0]


class Fruit:
    def __init__(self, kind):
        self.kind = kind

    def __tf_tracing_type__(self, context):
        return FruitType(self.kind)


class FruitType(tf.types.experimental.TraceType):
    def __init__(self, kind):
        self.kind = kind

    def placeholder_value(self, placeholder_context=None):
        return Fruit(self.kind)

    def __eq__(self, other):
        return isinstance(other, FruitType) and other.kind == self.kind

    def __hash__(self):
        return hash(self.kind)


def test_trace_type_protocol_keys_the_cache():
    @tf.function
    def f(fruit, x):
        return x + (1.0 if fruit.kind == "apple" else 2.0)

    assert float(f(Fruit("apple"), tf.constant(0.0))) == 1.0
    assert float(f(Fruit("apple"), tf.constant(0.0))) == 1.0  # another object, same type
    assert f.experimental_get_tracing_count() == 1
    assert float(f(Fruit("mango"), tf.constant(0.0))) == 2.0
    assert f.experimental_get_tracing_count() == 2


def test_retrace_warning_names_argument_and_change(caplog):
    @tf.function
    def f(x, n):
        return x * n

    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        for k in range(4):
            f(tf.zeros([k + 1, 2]), 1)
        f(tf.zeros([4, 2]), 2)
        f(tf.zeros([9, 2]), 2)
    msgs = [r.getMessage() for r in caplog.records if "retraced because" in r.getMessage()]
    assert "argument `n` changed Python value 1 -> 2" in msgs[0]
    assert "argument `x` changed shape (4, 2) -> (9, 2)" in msgs[1]


def test_reduce_retracing_generalizes_to_none_dims():
    @tf.function(reduce_retracing=True)
    def f(x):
        return tf.reduce_sum(x)

    for n in (2, 3, 4, 5):
        assert float(f(tf.ones([n]))) == n
    assert f.experimental_get_tracing_count() <= 2
    sigs = f.pretty_printed_concrete_signatures()
    assert "shape=(None,)" in sigs


def test_variable_initialized_from_arguments_on_first_call():
    state = {}

    @tf.function
    def acc(x):
        if "v" not in state:
            state["v"] = tf.Variable(tf.zeros_like(x))
        state["v"].assign_add(x)
        return state["v"].read_value()

    assert acc(tf.constant([1.0, 2.0])).numpy().tolist() == [1.0, 2.0]
    assert acc(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert acc(tf.constant([0.5, 0.5])).numpy().tolist() == [2.5, 4.5]

    @tf.function
    def always_creates(x):
        return tf.Variable(tf.zeros_like(x)).read_value()

    always_creates(tf.constant([1.0]))
    with pytest.raises(ValueError, match="singleton"):
        always_creates(tf.constant([1.0]))


def test_leaked_tensor_raises_attribute_error_naming_tapeflow():
    leaked = []

    @tf.function
    def f(a):
        leaked.append(a + 1)
        return a + 2

    assert int(f(tf.constant(1))) == 3
    with pytest.raises(AttributeError, match="leaked out of a tapeflow.function"):
        leaked[0].numpy()
