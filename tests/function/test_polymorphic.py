"""tapeflow.function: tracing cache, signatures, side effects, tf.print, binding."""
import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.framework.tensor import SymbolicTensorError


def test_same_shapes_trace_once_new_shape_retraces(rng):
    traces = []

    @tf.function
    def f(x, y):
        traces.append(1)
        return tf.matmul(x, y) + 1.0

    a, b = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    for _ in range(3):
        np.testing.assert_allclose(f(tf.constant(a), tf.constant(b)).numpy(), a @ b + 1, rtol=1e-5)
    assert f.experimental_get_tracing_count() == 1 and len(traces) == 1
    f(tf.constant(a[:1]), tf.constant(b))
    assert f.experimental_get_tracing_count() == 2
    f(tf.constant(a.astype(np.float64)), tf.constant(b.astype(np.float64)))
    assert f.experimental_get_tracing_count() == 3


def test_python_values_are_part_of_the_key():
    @tf.function
    def f(x, n):
        return x * n

    assert float(f(tf.constant(2.0), 3)) == 6.0
    assert float(f(tf.constant(2.0), 3)) == 6.0
    assert f.experimental_get_tracing_count() == 1
    assert float(f(tf.constant(2.0), 4)) == 8.0
    assert f.experimental_get_tracing_count() == 2
    assert float(f(x=tf.constant(2.0), n=5)) == 10.0


def test_nested_structures_in_and_out():
    @tf.function
    def f(d):
        return {"s": d["a"] + d["b"][0], "n": None, "k": 3}

    out = f({"a": tf.constant([1.0, 2.0]), "b": (tf.constant([3.0, 4.0]),)})
    np.testing.assert_allclose(out["s"].numpy(), [4.0, 6.0])
    assert out["n"] is None and out["k"] == 3


def test_input_signature_none_dims_one_trace_and_violations():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return tf.reduce_sum(x * x)

    for n in (1, 3, 7):
        v = np.arange(n, dtype=np.float32)
        assert float(f(tf.constant(v))) == pytest.approx(float((v * v).sum()))
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.constant([1, 2]))  # int32
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.constant([[1.0]]))  # rank 2
    with pytest.raises(TypeError):
        f(tf.constant([1.0]), tf.constant([1.0]))
    assert float(f([1.0, 2.0])) == 5.0  # Python lists convert to the spec's dtype


def test_reduce_retracing_generalizes_shapes():
    @tf.function(reduce_retracing=True)
    def f(x):
        return x + 1.0

    for n in (2, 3, 4, 5):
        np.testing.assert_allclose(f(tf.zeros([n])).numpy(), np.ones(n))
    assert f.experimental_get_tracing_count() == 2


def test_python_side_effects_only_while_tracing():
    log = []

    @tf.function
    def f(x):
        log.append("traced")
        print("python print runs once")
        return x + 1

    for i in range(4):
        assert int(f(tf.constant(i))) == i + 1
    assert log == ["traced"]


def test_tf_print_prints_every_call(capfd):
    @tf.function
    def f(x):
        tf.print("x:", x, output_stream="stdout")
        return x

    f(tf.constant([1, 2, 3]))
    f(tf.constant([4, 5, 6]))
    out = capfd.readouterr().out
    assert out.count("x:") == 2 and "[1 2 3]" in out and "[4 5 6]" in out


def test_tf_print_format_eager(capfd):
    tf.print(tf.constant([1.0, 2.5]), tf.constant(True), tf.range(10), "s", 7,
             output_stream="stdout")
    assert capfd.readouterr().out == "[1 2.5] true [0 1 2 ... 7 8 9] s 7\n"


def test_tf_print_in_branches_and_loops_prints_what_runs(capfd):
    def say(*a):
        return lambda *_: tf.print(*a, output_stream="stdout")

    @tf.function
    def f(n):
        tf.while_loop(lambda i: i < n, lambda i: (say("step", i)(), i + 1)[1], [0])
        tf.cond(n > 1, say("big"), say("small"))
        tf.map_fn(lambda x: (say("item", x)(), x)[1], tf.range(2))
        return n

    f(tf.constant(2))
    assert capfd.readouterr().out.split("\n") == [
        "step 0", "step 1", "big", "item 0", "item 1", ""]
    f(tf.constant(0))
    assert capfd.readouterr().out.split("\n") == ["small", "item 0", "item 1", ""]


def test_retracing_warning(caplog):
    @tf.function
    def f(x):
        return x

    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        for n in range(6):
            f(tf.zeros([n + 1]))
    assert any("retracing" in r.getMessage() for r in caplog.records)


def test_get_concrete_function():
    @tf.function
    def f(x):
        return x * 2.0

    cf = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(cf(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    assert f.experimental_get_tracing_count() == 1
    g = tf.function(lambda x: x + 1.0)
    g.get_concrete_function(tf.TensorSpec([None, 2], tf.float32))
    np.testing.assert_allclose(g(tf.ones([3, 2])).numpy(), np.full((3, 2), 2.0))
    np.testing.assert_allclose(g(tf.ones([5, 2])).numpy(), np.full((5, 2), 2.0))
    assert g.experimental_get_tracing_count() == 1  # the [None, 2] trace covers both


def test_methods_are_bound_per_instance():
    class Scale:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scale(2.0), Scale(3.0)
    assert float(a(tf.constant(1.0))) == 2.0
    assert float(b(tf.constant(1.0))) == 3.0
    assert a.__call__ is a.__call__ and a.__call__ is not b.__call__


def test_symbolic_bool_error_names_user_line():
    @tf.function(autograph=False)  # with AutoGraph (the default) the `if` becomes a cond
    def f(x):
        if x > 0:  # the line the error must name
            return x
        return -x

    with pytest.raises(SymbolicTensorError, match=r"tf\.cond") as e:
        f(tf.constant(1.0))
    assert "if x > 0" in str(e.value) and "test_polymorphic.py" in str(e.value)


def test_executing_eagerly_and_run_functions_eagerly():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        return x

    assert tf.executing_eagerly()
    f(tf.constant(1.0))
    assert seen == [False]
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly()
        f(tf.constant(1.0))
        f(tf.constant(1.0))
    finally:
        tf.config.run_functions_eagerly(False)
    assert seen == [False, True, True]


def test_nested_function_calls_inline():
    @tf.function
    def inner(x):
        return x * 3.0

    @tf.function
    def outer(x):
        return inner(x) + 1.0

    assert float(outer(tf.constant(2.0))) == 7.0


def test_get_static_value():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.get_static_value(x))
        return x

    f(tf.constant(1.0))
    assert seen == [None]
    np.testing.assert_array_equal(tf.get_static_value(tf.constant([1, 2])), [1, 2])
