"""The first call traces the Python function once, even when it meets Variables it
was not given (function/single_trace.py); values match the eager computation."""
import numpy as np

import tapeflow as tf


def test_step_meeting_existing_variables_runs_its_python_once():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    count = tf.Variable(0, dtype=tf.int32)
    runs = []

    @tf.function
    def step(x):
        runs.append(1)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
        w.assign_sub(0.01 * tape.gradient(loss, w))
        count.assign_add(1)  # first met through an update: its old value must be an input
        return loss

    x = np.ones((1, 2), np.float32)
    ref_w = np.arange(6, dtype=np.float32).reshape(2, 3)
    for _ in range(3):
        y = x @ ref_w
        ref_loss = float((y ** 2).sum())
        ref_w = ref_w - 0.01 * (x.T @ (2 * y))
        assert float(step(tf.constant(x))) == np.float32(ref_loss)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-6)
    assert int(count.numpy()) == 3
    assert len(runs) == 1  # one trace, reused for every call


def test_function_creating_variables_still_traces_twice_as_tf():
    holder = []
    runs = []

    @tf.function
    def f(x):
        runs.append(1)
        if not holder:
            holder.append(tf.Variable(3.0))
        return x * holder[0]

    assert float(f(tf.constant(2.0))) == 6.0
    assert len(runs) == 2  # the second trace is the one that may not create variables
