"""AutoGraph loops: `while`, `for` over tf.range / tensors / datasets / Python
iterables, `break`/`continue`/`return` inside them; compiled equals eager,
gradients through converted loops match analytic derivatives."""
import numpy as np
import pytest

import tapeflow as tf

from autograph_grads import first_and_second


def collatz_steps(n):
    steps = tf.constant(0)
    while n > 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def test_while_equals_eager_and_traces_once():
    f = tf.function(collatz_steps)
    for n in (1, 6, 27):
        assert int(f(tf.constant(n))) == int(collatz_steps(tf.constant(n)))
    assert f.experimental_get_tracing_count() == 1


def test_for_over_range_break_continue():
    def f(limit):
        s = tf.constant(0)
        for i in tf.range(10):
            if i > limit:
                break
            if i % 2 == 0:
                continue
            s += i
        return s

    g = tf.function(f)
    for lim in (6, 0, 20):
        assert int(g(tf.constant(lim))) == int(f(tf.constant(lim)))
    assert int(g(tf.constant(6))) == 1 + 3 + 5


def test_early_return_inside_loop():
    def first_above(x, t):
        for v in x:
            if v > t:
                return v
        return tf.constant(-1.0)

    g = tf.function(first_above)
    x = tf.constant([0.5, 2.0, 3.0])
    assert float(g(x, tf.constant(1.0))) == 2.0
    assert float(g(x, tf.constant(9.0))) == -1.0
    assert g.experimental_get_tracing_count() == 1


def test_for_over_tensor_rows_and_symbolic_range():
    @tf.function
    def row_sums(m, n):
        acc = tf.zeros([3])
        for row in m:
            acc += row
        total = tf.constant(0)
        for i in tf.range(n):  # n is symbolic: a tf.while_loop, no static length
            total += i
        return acc, total

    m = np.arange(6, dtype=np.float32).reshape(2, 3)
    acc, total = row_sums(tf.constant(m), tf.constant(5))
    np.testing.assert_allclose(acc.numpy(), m.sum(0))
    assert int(total) == 10


def test_python_loops_stay_python_and_switch_when_test_becomes_tensor():
    @tf.function
    def f(x):
        for k in range(3):  # unrolled, as in TF
            x = x + k
        i = 0
        while i < x:  # i becomes a tensor after the first iteration
            i = i + tf.constant(2)
        return x, i

    x, i = f(tf.constant(4))
    assert int(x) == 7 and int(i) == 8


def test_tensor_break_in_python_loop():
    @tf.function
    def f(x):
        s = tf.constant(0.0)
        for v in [1.0, 2.0, 3.0]:
            if s > x:
                break
            s += v
        return s

    assert float(f(tf.constant(0.5))) == 1.0  # s = 1, then s > 0.5 stops the loop
    assert float(f(tf.constant(10.0))) == 6.0


def test_gradients_through_for_and_while():
    def power(x):
        y = x
        for _ in tf.range(3):
            y = y * x
        return y

    grads = tf.function(lambda x: first_and_second(power, x))

    g, h = grads(tf.constant(2.0))
    assert float(g) == pytest.approx(4 * 2.0 ** 3)
    assert float(h) == pytest.approx(12 * 2.0 ** 2)

    @tf.function
    def while_grad(x):
        with tf.GradientTape() as t:
            t.watch(x)
            i = tf.constant(0)
            y = x
            while i < 2:
                tf.autograph.experimental.set_loop_options(maximum_iterations=2)
                y = tf.sin(y)
                i += 1
        return t.gradient(y, x)

    x0 = 0.7
    assert float(while_grad(tf.constant(x0))) == pytest.approx(
        np.cos(np.sin(x0)) * np.cos(x0), rel=1e-5)


def test_dataset_iteration_inside_function():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(6, dtype=np.float32)).batch(2)

    @tf.function
    def total(ds):
        s = tf.constant(0.0)
        for b in ds:
            s += tf.reduce_sum(b)
        return s

    assert float(total(ds)) == 15.0


def test_loop_variable_changing_dtype_raises():
    @tf.function
    def f(n):
        x = 0
        for _ in tf.range(n):
            x = tf.cast(x, tf.float32) + 0.5
        return x

    with pytest.raises(TypeError, match="'x' has dtype int32 before the loop"):
        f(tf.constant(3))


def test_variable_updates_in_loop():
    v = tf.Variable(0.0)

    @tf.function
    def f(n):
        for i in tf.range(n):
            v.assign_add(tf.cast(i, tf.float32))
        return v.read_value()

    assert float(f(tf.constant(4))) == 6.0
    assert float(f(tf.constant(4))) == 12.0
