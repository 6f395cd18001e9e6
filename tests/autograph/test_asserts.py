"""`assert` on tensors in converted code: TF 2.15 converts it only with
Feature.ASSERT_STATEMENTS (then a failed one raises InvalidArgumentError with
`assertion failed: [msg]`); by default it asks for the tensor's truth value.
Texts checked against TF 2.15 (tfas2 in the issue-15 notes): `[sum too big]`,
and `[Assertion error]` without a message."""
import pytest

import tapeflow as tf

ASSERTS = tf.autograph.experimental.Feature.ASSERT_STATEMENTS


def positive(x):
    assert tf.reduce_sum(x) > 0, "x must be positive"
    return x * 2


def no_message(x):
    assert tf.reduce_sum(x) > 0
    return x


def test_default_conversion_leaves_tensor_asserts_to_python():
    with pytest.raises(TypeError, match="symbolic tensor as a Python `bool`"):
        tf.function(positive)(tf.constant([1.0]))


def test_assert_statements_feature_checks_when_the_program_runs():
    f = tf.function(positive, experimental_autograph_options=ASSERTS)
    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    for _ in range(2):  # the first (tracing) call and a prepared one both raise TF's error
        with pytest.raises(tf.errors.InvalidArgumentError) as err:
            f(tf.constant([1.0, -3.0]))
        assert str(err.value) == "assertion failed: [x must be positive]"
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^assertion failed: \[Assertion "
                       r"error\]$"):
        tf.function(no_message, experimental_autograph_options=[ASSERTS])(tf.constant([-1.0]))


def test_python_conditions_keep_python_assert():
    def g(x, n):
        assert n > 0, "n"
        return x + n
    f = tf.function(g, experimental_autograph_options=ASSERTS)
    assert float(f(tf.constant(1.0), 2)) == 3.0
    with pytest.raises(AssertionError, match="n"):
        f(tf.constant(1.0), -2)
