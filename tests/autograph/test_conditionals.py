"""AutoGraph `if`/`elif`/`else`, conditional expressions and `and`/`or`/`not`:
compiled results equal eager ones; gradients through converted conds match the
analytic derivatives; one trace per signature."""
import numpy as np
import pytest

import tapeflow as tf

from autograph_grads import first_and_second


def piecewise(x):
    if tf.reduce_sum(x) > 0:
        y = x * x
    elif tf.reduce_sum(x) > -3:
        y = x * 3.0
    else:
        y = -x
    return y


@pytest.mark.parametrize("v", [[1.0, 2.0], [-1.0, 0.5], [-2.0, -4.0]])
def test_if_elif_else_equals_eager(v):
    f = tf.function(piecewise)
    x = tf.constant(v)
    np.testing.assert_allclose(f(x).numpy(), piecewise(x).numpy())


def test_one_trace_for_both_branches():
    f = tf.function(piecewise)
    f(tf.constant([1.0, 2.0]))
    f(tf.constant([-1.0, -2.0]))
    f(tf.constant([-9.0, -2.0]))
    assert f.experimental_get_tracing_count() == 1


def test_python_condition_stays_python():
    traced = []

    @tf.function
    def f(x, flag):
        if flag:
            traced.append("a")
            return x + 1
        traced.append("b")
        return x - 1

    assert float(f(tf.constant(1.0), True)) == 2.0
    assert float(f(tf.constant(1.0), False)) == 0.0
    assert traced == ["a", "b"]  # only the taken branch ran: no cond was built


def test_gradients_first_and_second_order_through_if():
    grads = tf.function(lambda x: first_and_second(piecewise, x))

    for v, dy, d2y in [([1.0, 2.0], [2.0, 4.0], [2.0, 2.0]),
                       ([-1.0, 0.5], [3.0, 3.0], [0.0, 0.0])]:
        g, h = grads(tf.constant(v))
        np.testing.assert_allclose(g.numpy(), dy)
        np.testing.assert_allclose(h.numpy() if h is not None else [0.0, 0.0], d2y)


def test_early_return_in_branch_and_return_value_in_one_branch():
    def f(x):
        if x > 0:
            return x * 2
        x = x - 1
        return x

    g = tf.function(f)
    for v in (3, -3):
        assert int(g(tf.constant(v))) == int(f(tf.constant(v)))


def test_bool_ops_and_conditional_expression():
    def f(x, y):
        if x > 0 and y > 0:
            r = 1
        elif not x > 0 or y < -5:
            r = 2
        else:
            r = 3
        return r, (x if x > y else y)

    g = tf.function(f)
    for a, b in [(1, 2), (-1, 2), (1, -1), (1, -9)]:
        want = f(a, b)  # plain Python semantics
        got = g(tf.constant(a), tf.constant(b))
        assert (int(got[0]), int(got[1])) == want
    assert g.experimental_get_tracing_count() == 1


def test_and_short_circuits_on_tensors():
    calls = []

    def side(x):
        calls.append(1)
        return x < 10

    @tf.function
    def f(x):
        return x > 0 and side(x)

    assert bool(f(tf.constant(5))) and not bool(f(tf.constant(-5)))
    assert calls == [1]  # traced once, inside the cond's true branch only


def test_variable_defined_in_one_branch_raises_tf_error():
    @tf.function
    def f(x):
        if x > 0:
            z = x
        return z

    with pytest.raises(ValueError, match="'z' must also be initialized in the else branch"):
        f(tf.constant(1))


def test_branch_local_temporaries_need_no_else():
    @tf.function
    def f(x):
        if x > 0:
            tmp = x * 2
            x = tmp + 1
        return x

    assert int(f(tf.constant(3))) == 7 and int(f(tf.constant(-3))) == -3


def test_branches_with_different_dtypes_raise():
    @tf.function
    def f(x):
        if x > 0:
            y = tf.constant(1.0)
        else:
            y = tf.constant(1)
        return y

    with pytest.raises((TypeError, ValueError), match="y|dtype"):
        f(tf.constant(1))


def test_variable_assignment_in_branches():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        if x > 0:
            v.assign_add(x)
        else:
            v.assign_sub(1.0)
        return v.read_value()

    assert float(f(tf.constant(2.0))) == 3.0
    assert float(f(tf.constant(-2.0))) == 2.0


def test_autograph_false_keeps_the_symbolic_bool_error():
    @tf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="tf.cond"):
        f(tf.constant(1.0))
