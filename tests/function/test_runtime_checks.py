"""Assertions that fail while a compiled program runs raise tf.errors.InvalidArgumentError
with TF's text: the same snippets run in TF 2.15 (the peer process) and here. TF names
graph tensors in its compiled text (`x (x:0) = `, `rtol = Tensor("assert_near/rtol:0", ...)`);
tapeflow writes `x (shape=... dtype=...) = ` and the tolerance's value, so those parts are
dropped before comparing."""
import re

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.function.runtime_checks import summarize_value
from tf_peer import tf_eval

CASES = {  # snippet body over x = [1, 5, -2, 7] (float32)
    "less": "tf.debugging.assert_less(x, 3.0, message='too big')",
    "equal": "tf.debugging.assert_equal(x, tf.constant([1.0, 5.0, 2.0, 7.0]))",
    "positive": "tf.debugging.assert_positive(x)",
    "non_negative": "tf.debugging.assert_non_negative(x, message='m')",
    "near": "tf.debugging.assert_near(x, x + 1.0, message='far')",
    "Assert": "tf.debugging.Assert(x[0] > 3.0, ['x:', x, 7, 2.5, 's'], summarize=2)",
    "Assert_matrix": "tf.debugging.Assert(x[0] > 3.0, ['m', tf.reshape(tf.range(24), "
                     "[2, 3, 4])], summarize=5)",
    "Assert_floats": "tf.debugging.Assert(x[0] > 3.0, [tf.constant([1 / 3, 0.1]), tf.constant("
                     "[1 / 3, 0.1], tf.float64), tf.constant([1e20, -0.0, np.nan, np.inf])], "
                     "summarize=-1)",
}

_SNIPPET = """
x = tf.constant([1.0, 5.0, -2.0, 7.0])
out = {}
for k, body in CASES.items():
    def f(x, body=body):
        eval(body)
        return x
    for mode, fn in (("eager", f), ("compiled", tf.function(f))):
        try:
            fn(x)
            out[k + "/" + mode] = None
        except tf.errors.InvalidArgumentError as e:
            m = e.message
            if mode == "compiled":
                i = m.find("assertion failed")
                m = m[i:m.index("\\n\\t [[")]
            out[k + "/" + mode] = m
print(json.dumps(out))
"""


def _unnamed(text):
    text = re.sub(r"(rtol|atol) = (tf\.)?Tensor\([^)]*\)", r"\1 = T", text)  # graph reprs
    return re.sub(r"(x|y) \((?:[^()]|\([^()]*\))*\) = ", r"\1 = ", text)


@pytest.fixture(scope="module")
def tf_texts():
    return tf_eval(f"CASES = {CASES!r}\n" + _SNIPPET)


def _ours(body, compiled):
    x = tf.constant([1.0, 5.0, -2.0, 7.0])

    def f(x):
        eval(body)
        return x
    fn = tf.function(f) if compiled else f
    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        fn(x)
    return str(err.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_failed_assertions_raise_tf_texts(tf_texts, name):
    for mode in ("eager", "compiled"):
        want = tf_texts[f"{name}/{mode}"]
        assert want is not None
        got = _ours(CASES[name], mode == "compiled")
        if mode == "compiled" or name == "near":
            assert _unnamed(got) == _unnamed(want)
        else:
            assert got == want


def test_summaries_are_tf_tensor_summaries():
    # TF 2.15's texts for these tensors (see the Assert cases above)
    assert summarize_value(np.arange(12).reshape(3, 4), 3) == "[0 1 2...]..."
    assert summarize_value(np.arange(12).reshape(3, 4), 12) == "[0 1 2 3][4 5 6 7][8 9 10 11]"
    assert summarize_value(np.array([True, False]), 3) == "1 0"
    assert summarize_value(np.array([b"a", b"b"], object), 3) == "a b"
    assert summarize_value(np.float32(2.5), 3) == "2.5"


def test_failures_inside_compiled_control_flow_and_prepared_calls():
    @tf.function
    def f(x, n):
        for i in tf.range(n):
            if tf.reduce_sum(x) > 0:
                tf.debugging.assert_less(x, 10.0, message="in the loop")
            x = x + 4.0
        return x

    np.testing.assert_array_equal(f(tf.constant([1.0]), tf.constant(2)).numpy(), [9.0])
    for _ in range(2):  # a retraced call and the prepared one
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"^assertion failed: \[in the "
                           r"loop\] \[Condition x < y did not hold element-wise:\]"):
            f(tf.constant([1.0]), tf.constant(4))  # x reaches 13 in the 4th step


def test_check_numerics_compiled(caplog):
    f = tf.function(lambda x: tf.debugging.check_numerics(x, "bad") * 2.0)
    assert f(tf.constant([1.0])).numpy().tolist() == [2.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="^bad : Tensor had NaN values$"):
        f(tf.constant([np.nan]))
    assert "callback failed" not in caplog.text  # jax's own report of the abort is dropped


def test_a_model_whose_call_asserts_fails_fit_with_tf_error():
    class Checked(keras.layers.Layer):
        def call(self, x):
            tf.debugging.assert_non_negative(x, message="inputs must be >= 0")
            return x

    model = keras.Sequential([keras.Input((2,)), Checked(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32)
    hist = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(hist.history["loss"][0])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[inputs must be >= 0\.  \] "
                       r"\[Condition x >= 0 did not hold element-wise:\]"):
        model.fit(-x, y, batch_size=4, epochs=1, verbose=0)


def test_a_failed_check_leaves_variables_and_the_trace_as_they_were():
    v = tf.Variable([1.0, 2.0])
    traces = []

    @tf.function
    def step(x):
        traces.append(1)
        tf.debugging.assert_positive(x, message="pos")
        v.assign_add(x)  # after the check, as TF orders stateful ops
        return v.read_value()

    for bad_first in (True, False):
        traces.clear()
        v.assign([1.0, 2.0])
        if not bad_first:
            step(tf.constant([1.0, 1.0]))
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[pos\.  \]"):
            step(tf.constant([-1.0, 1.0]))
        want = [1.0, 2.0] if bad_first else [2.0, 3.0]
        np.testing.assert_array_equal(v.numpy(), want)  # no buffer was given away
        np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(),
                                      np.add(want, 1.0))
        assert len(traces) == 1  # the failed call's program is kept, not traced again
        step = tf.function(step.python_function)
