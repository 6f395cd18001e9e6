"""Prepared calls (function/fast_call.py) keep tf.function's behaviour: retracing rules,
variables as donated state, tapes, run_functions_eagerly and inlining into outer traces.
References: NumPy arithmetic and the number of Python traces."""
import numpy as np
import pytest

import tapeflow as tf


def test_retracing_rules_hold_on_prepared_calls():
    traces = []

    @tf.function
    def f(x, scale):
        traces.append(scale)
        return x * scale

    a = np.arange(3, dtype=np.float32)
    for _ in range(3):
        np.testing.assert_array_equal(f(tf.constant(a), 2.0).numpy(), a * 2)
    np.testing.assert_array_equal(f(tf.constant(a), 3.0).numpy(), a * 3)  # new Python value
    np.testing.assert_array_equal(f(tf.constant(a[:2]), 3.0).numpy(), a[:2] * 3)  # new shape
    np.testing.assert_array_equal(f(tf.constant(a.astype(np.float64)), 3.0).numpy(), a * 3)
    for _ in range(2):
        np.testing.assert_array_equal(f(tf.constant(a), 3.0).numpy(), a * 3)
    assert traces == [2.0, 3.0, 3.0, 3.0]
    assert f.experimental_get_tracing_count() == 4


def test_single_tensor_functions_and_host_values():
    f = tf.function(lambda x: x + 1)
    for v in range(4):
        assert int(f(tf.constant(v))) == v + 1
    g = tf.function(lambda s: tf.strings.length(s))
    for s in ("ab", "abcd", "ab"):  # string tensors are static arguments, never prepared
        assert int(g(tf.constant(s))) == len(s)


def test_variables_are_state_across_prepared_calls():
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(3.0)

    @tf.function
    def step(x):
        v.assign_add(x * w)
        return tf.reduce_sum(v)

    ref = np.array([1.0, 2.0])
    reads = []
    for i in range(5):
        reads.append(v.read_value())  # reads taken before a donating call stay valid
        ref = ref + np.array([1.0, i]) * 3.0
        assert float(step(tf.constant([1.0, float(i)]))) == pytest.approx(ref.sum())
    np.testing.assert_allclose(v.numpy(), ref)
    np.testing.assert_allclose(reads[0].numpy(), [1.0, 2.0])
    w.assign(0.5)  # a variable read (not written) is passed by value on every call
    step(tf.constant([2.0, 2.0]))
    np.testing.assert_allclose(v.numpy(), ref + 1.0)


def test_tapes_eager_mode_and_outer_traces_take_the_general_path():
    calls = []
    w = tf.Variable(2.0)

    @tf.function
    def f(x):
        calls.append(1)
        return x * w

    x = tf.constant(3.0)
    f(x)
    f(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    dx, dw = tape.gradient(y, [x, w])
    assert (float(dx), float(dw)) == (2.0, 3.0)

    n = len(calls)
    f(x)
    assert len(calls) == n  # a prepared call runs no Python
    tf.config.run_functions_eagerly(True)
    try:
        f(x)
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(calls) == n + 1  # the eager run

    outer = tf.function(lambda x: f(x) + 1.0)
    assert float(outer(x)) == 7.0
    assert len(calls) == n + 2  # inlined: f's Python ran inside outer's trace


def test_structures_and_host_values_as_fit_feeds_them():
    traces = []

    @tf.function
    def step(batch, scale):
        traces.append(1)
        x, (y, w) = batch
        return tf.reduce_sum((x - y) * w) * scale

    rng = np.random.default_rng(0)
    for i in range(4):
        x, y, w = (rng.normal(size=(3, 2)).astype(np.float32) for _ in range(3))
        host = [tf.Tensor._from_host(a) for a in (x, y, w)]  # NumPy-backed, as fit's batches
        got = step((host[0], [host[1], host[2]]), 2.0)
        assert float(got) == pytest.approx(float(((x - y) * w).sum() * 2.0), rel=1e-5)
    assert len(traces) == 1
    step((tf.constant(x), [tf.constant(y), tf.constant(w)]), 2.0)  # device arrays: same trace
    step((host[0], (host[1], host[2])), 2.0)  # a tuple where a list was: a new trace
    assert len(traces) == 2


def test_concrete_function_calls_check_only_what_does_not_match():
    f = tf.function(lambda x: x * 2.0)
    cf = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    for _ in range(2):
        np.testing.assert_array_equal(cf(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    for bad in (tf.constant([1.0, 2.0, 3.0]), tf.constant([1.0, 2.0], tf.float64)):
        with pytest.raises(TypeError):
            cf(bad)
