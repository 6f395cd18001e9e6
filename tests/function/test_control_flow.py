"""Control flow: results and gradients, eager and compiled, against NumPy references."""
import numpy as np
import pytest

import tapeflow as tf


def both(fn):
    """The function run eagerly and compiled."""
    return [fn, tf.function(fn)]


def _grad(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return y, tape.gradient(y, x)


@pytest.mark.parametrize("mode", [0, 1])
def test_cond_values_and_gradients(mode):
    f = both(lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(x * x),
                               lambda: tf.reduce_sum(tf.sin(x))))[mode]
    for xv in (np.array([1.0, 2.0], np.float32), np.array([-1.0, -2.0], np.float32)):
        y, g = _grad(f, xv)
        pos = xv.sum() > 0
        assert float(y) == pytest.approx((xv * xv).sum() if pos else np.sin(xv).sum(), rel=1e-6)
        np.testing.assert_allclose(g.numpy(), 2 * xv if pos else np.cos(xv), rtol=1e-6)


def test_cond_nested_structures_and_structure_errors():
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: {"a": x, "b": (x * 2, 1.0)},
                       lambda: {"a": -x, "b": (x * 3, 2.0)})

    out = f(tf.constant(2.0))
    assert float(out["a"]) == 2.0 and float(out["b"][0]) == 4.0 and float(out["b"][1]) == 1.0
    bad = tf.function(lambda x: tf.cond(x > 0, lambda: x, lambda: (x, x)))
    with pytest.raises(ValueError, match="same number, type, and overall structure"):
        bad(tf.constant(1.0))


@pytest.mark.parametrize("mode", [0, 1])
def test_case_and_switch_case(mode):
    def f(x, i):
        c = tf.case([(x < 0, lambda: x * 10), (x < 5, lambda: x * 100)], default=lambda: -x)
        s = tf.switch_case(i, [lambda: x + 1, lambda: x + 2, lambda: x + 3])
        return c, s
    f = both(f)[mode]
    for xv, ref_c in ((-1.0, -10.0), (2.0, 200.0), (9.0, -9.0)):
        c, _ = f(tf.constant(xv), tf.constant(0))
        assert float(c) == ref_c
    for i, ref_s in ((0, 3.0), (2, 5.0), (7, 5.0)):  # out of range -> last branch
        _, s = f(tf.constant(2.0), tf.constant(i))
        assert float(s) == ref_s


@pytest.mark.parametrize("mode", [0, 1])
def test_while_loop_nested_vars_and_maximum_iterations(mode):
    def f(n):
        return tf.while_loop(lambda i, acc: i < n,
                             lambda i, acc: (i + 1, {"s": acc["s"] + i, "p": acc["p"] * 2.0}),
                             (tf.constant(0), {"s": tf.constant(0), "p": tf.constant(1.0)}),
                             shape_invariants=None)
    i, acc = both(f)[mode](tf.constant(5))
    assert int(i) == 5 and int(acc["s"]) == 10 and float(acc["p"]) == 32.0
    g = both(lambda: tf.while_loop(lambda i: i < 100, lambda i: i + 1, [0],
                                   maximum_iterations=7))[mode]
    assert int(g()[0]) == 7


@pytest.mark.parametrize("mode", [0, 1])
def test_while_loop_gradient(mode):
    """x**4 by two squarings (maximum_iterations bounds the compiled loop)."""
    f = both(lambda x: tf.while_loop(lambda k, y: k < 2, lambda k, y: (k + 1, y * y),
                                     (0, x), maximum_iterations=2)[1])[mode]
    y, g = _grad(f, np.float32(1.5))
    assert float(y) == pytest.approx(1.5 ** 4, rel=1e-6)
    assert float(g) == pytest.approx(4 * 1.5 ** 3, rel=1e-6)


def test_gradients_with_tape_inside_compiled_function(rng):
    xv = rng.normal(size=(3,)).astype(np.float32)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(tf.reduce_sum(x) > 100.0, lambda: tf.reduce_sum(x),
                        lambda: tf.reduce_sum(tf.exp(x)))
            total = y + tf.reduce_sum(tf.scan(lambda a, r: a + r * r, x))
        return tape.gradient(total, x)

    n = len(xv)
    ref = np.exp(xv) + 2 * xv * (n - np.arange(n))  # scan's first row is x[0] itself:
    ref[0] = np.exp(xv[0]) + n                           # sum = n*x0 + sum_k (n-k) x_k^2
    np.testing.assert_allclose(f(tf.constant(xv)).numpy(), ref, rtol=1e-5)


def test_while_loop_shape_change_is_an_error():
    f = tf.function(lambda: tf.while_loop(lambda x: tf.size(x) < 4,
                                          lambda x: tf.concat([x, x], 0), [tf.ones([1])]))
    with pytest.raises(ValueError, match="shape"):
        f()
    out = tf.while_loop(lambda x: tf.size(x) < 4, lambda x: tf.concat([x, x], 0),
                        [tf.ones([1])])  # eagerly shapes may change
    assert out[0].shape == (4,)


@pytest.mark.parametrize("mode", [0, 1])
def test_switch_case_and_case_gradients(mode):
    def f(x, i):
        s = tf.switch_case(i, [lambda: x * x, lambda: tf.sin(x), lambda: x * 3.0])
        return s + tf.case([(x > 10.0, lambda: x)], default=lambda: x * x * x)
    f = both(f)[mode]
    for i, ref in ((0, lambda v: 2 * v), (1, np.cos), (2, lambda v: 3.0)):
        x = tf.constant(0.7)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(i))
        assert float(tape.gradient(y, x)) == pytest.approx(ref(0.7) + 3 * 0.7 ** 2, rel=1e-5)


def test_compiled_while_without_maximum_iterations_gradient_is_a_clear_error():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.while_loop(lambda k, y: k < 2, lambda k, y: (k + 1, y * x), (0, x))[1]
        return y, tape.gradient(y, x)

    with pytest.raises(tf.errors.InvalidArgumentError, match="maximum_iterations"):
        f(tf.constant(2.0))

    @tf.function
    def captured(x):  # the loop variable is a constant; the body reads the watched x
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.while_loop(lambda k, y: k < 2, lambda k, y: (k + 1, y * x),
                              (0, tf.constant(1.0)))[1]
        return tape.gradient(y, x)

    with pytest.raises(tf.errors.InvalidArgumentError, match="maximum_iterations"):
        captured(tf.constant(2.0))

    @tf.function
    def value_only(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.while_loop(lambda k, y: k < 2, lambda k, y: (k + 1, y * x), (0, x))[1]
        return y
    assert float(value_only(tf.constant(2.0))) == 8.0
