"""tapeflow.function and Variables: state threading, lazy creation, donation, train steps."""
import numpy as np
import pytest

import tapeflow as tf


def test_assign_inside_is_visible_outside():
    v = tf.Variable([1.0, 2.0])
    counter = tf.Variable(0, dtype=tf.int32)

    @tf.function
    def step(x):
        v.assign(v * 2.0 + x)
        counter.assign_add(1)
        return tf.reduce_sum(v)

    ref = np.array([1.0, 2.0], np.float32)
    for i in range(3):
        x = np.float32(i)
        ref = ref * 2 + x
        assert float(step(tf.constant(x))) == pytest.approx(ref.sum())
        np.testing.assert_allclose(v.numpy(), ref)
    assert int(counter.numpy()) == 3
    assert step.experimental_get_tracing_count() == 1
    v.assign([0.0, 0.0])  # eager assignment is seen by the compiled function
    assert float(step(tf.constant(1.0))) == 2.0


def test_variable_passed_as_argument_is_state():
    @tf.function
    def bump(var, k):
        var.assign_add(k)
        return var.read_value()

    a, b = tf.Variable(1.0), tf.Variable(10.0)
    assert float(bump(a, 1.0)) == 2.0
    assert float(bump(b, 1.0)) == 11.0
    assert float(bump(a, 1.0)) == 3.0
    assert (a.numpy(), b.numpy()) == (3.0, 11.0)


class _Dense:
    """A layer that builds its weights lazily on first call, like Keras layers."""

    def __init__(self, units):
        self.units = units
        self.w = None

    def __call__(self, x):
        if self.w is None:
            n = x.shape[-1]
            self.w = tf.Variable(lambda: tf.random.normal([n, self.units], seed=1))
            self.b = tf.Variable(tf.zeros([self.units]))
        return tf.matmul(x, self.w) + self.b


def test_variables_created_on_first_trace_get_eager_initial_values():
    layer = _Dense(3)

    @tf.function
    def f(x):
        return layer(x)

    x = np.ones((2, 4), np.float32)
    y = f(tf.constant(x))
    w = layer.w.numpy()  # a concrete value, not a traced constant
    np.testing.assert_allclose(y.numpy(), x @ w, rtol=1e-5)
    layer.w.assign(layer.w * 0.0 + 1.0)
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), np.full((2, 3), 4.0))


def test_creating_variables_on_a_later_trace_is_an_error():
    made = []

    @tf.function
    def f(x):
        v = tf.Variable(1.0)  # a new variable on every trace
        made.append(v)
        return x + v

    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        f(tf.constant(1.0))


def test_init_scope_lifts_out_of_the_trace():
    seen = []

    @tf.function
    def f(x):
        with tf.init_scope():
            seen.append(tf.executing_eagerly())
            c = tf.constant(2.0) * 3.0
            seen.append(isinstance(c.numpy(), (np.ndarray, np.generic)))  # concrete
        return x * c

    assert float(f(tf.constant(1.0))) == 6.0
    assert seen == [True, True]


def _linear_train(compiled, steps=3):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(8, 4)).astype(np.float32))
    y = tf.constant(rng.normal(size=(8, 2)).astype(np.float32))
    w = tf.Variable(rng.normal(size=(4, 2)).astype(np.float32))
    b = tf.Variable(np.zeros(2, np.float32))

    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * dw)
        b.assign_sub(0.1 * db)
        return loss

    step = tf.function(train_step) if compiled else train_step
    losses = [float(step(x, y)) for _ in range(steps)]
    return losses, w.numpy(), b.numpy()


def test_spec_train_step_matches_eager_and_numpy():
    eager = _linear_train(False)
    comp = _linear_train(True)
    np.testing.assert_allclose(comp[0], eager[0], rtol=1e-5)
    np.testing.assert_allclose(comp[1], eager[1], rtol=1e-5)
    # NumPy reference for the same three steps
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 2))
    w, b = rng.normal(size=(4, 2)).astype(np.float32).astype(np.float64), np.zeros(2)
    x, y = x.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)
    for i in range(3):
        r = x @ w + b - y
        assert comp[0][i] == pytest.approx(np.mean(r * r), rel=1e-4)
        w, b = w - 0.1 * 2 * x.T @ r / r.size, b - 0.1 * 2 * r.sum(0) / r.size
    np.testing.assert_allclose(comp[1], w, rtol=1e-4)
    np.testing.assert_allclose(comp[2], b, rtol=1e-4, atol=1e-6)


def test_assign_inside_cond_and_while_loop():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        tf.cond(x > 0, lambda: v.assign_add(x), lambda: v.assign_sub(1.0))
        tf.while_loop(lambda i: i < 3, lambda i: (v.assign_add(1.0), i + 1)[1], [0])
        return v.read_value()

    assert float(f(tf.constant(2.0))) == 5.0
    assert float(f(tf.constant(-2.0))) == 7.0
    assert v.numpy() == 7.0


def test_tensors_read_before_a_step_stay_valid():
    """Variable buffers are donated to the step (on GPU); earlier reads must survive."""
    init = tf.constant([1.0, 2.0])
    v = tf.Variable(init)
    before = v.read_value()

    @tf.function
    def step():
        v.assign(v * 3.0)

    step()
    step()
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(init.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [9.0, 18.0])


def test_initial_value_from_a_traced_tensor_is_set_by_the_first_call():
    holder = []

    @tf.function
    def f(x):
        if not holder:
            holder.append(tf.Variable(x * 2.0))
        return x + holder[0]

    assert float(f(tf.constant(1.0))) == 3.0  # TF initializes it inside the first call
    assert float(holder[0]) == 2.0
    assert float(f(tf.constant(5.0))) == 7.0 and float(holder[0]) == 2.0


def test_shape_dependent_paths_under_one_signature_find_their_variables():
    a, b = tf.Variable(1.0), tf.Variable(10.0)

    @tf.function(input_signature=[tf.TensorSpec([None])])
    def f(x):
        if x.shape[0] > 2:  # static shapes are Python values while tracing
            b.assign_add(1.0)
            return x * b
        return x * a

    np.testing.assert_array_equal(f(tf.ones([2])).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(f(tf.ones([3])).numpy(), [11.0] * 3)
    np.testing.assert_array_equal(f(tf.ones([3])).numpy(), [12.0] * 3)
    assert b.numpy() == 12.0 and f.experimental_get_tracing_count() == 1
