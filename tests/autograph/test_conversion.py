"""tf.autograph conversion: to_code/to_graph, recursive conversion of user code only,
caching, closures/globals/super, Keras layers, source maps, options."""
import traceback

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.autograph import conversion


def absolute(x):
    if x < 0:
        x = -x
    return x


def test_to_code_and_to_graph():
    code = tf.autograph.to_code(absolute)
    assert "ag__.if_stmt" in code and "def absolute(x):" in code
    g = tf.autograph.to_graph(absolute)
    assert g(-3) == 3 and g(2) == 2  # Python values keep Python semantics
    assert int(g(tf.constant(-4))) == 4  # eager tensors too


def test_conversion_is_cached_per_function():
    assert tf.autograph.to_graph(absolute) is tf.autograph.to_graph(absolute)
    assert absolute.__code__ in conversion._CODE_CACHE


def test_user_functions_are_converted_recursively_library_ones_are_not():
    def helper(x):
        while tf.reduce_sum(x) < 100.0:
            x = x * 2.0
        return x

    @tf.function
    def f(x):
        return helper(x)

    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [64.0, 128.0]
    assert not conversion.is_convertible(tf.reduce_sum)
    assert not conversion.is_convertible(traceback.format_exc)


def test_do_not_convert_keeps_python_semantics():
    @tf.autograph.experimental.do_not_convert
    def raw(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def f(x):
        return raw(x)

    with pytest.raises(TypeError, match="tf.cond"):
        f(tf.constant(1))


def test_methods_closures_globals_and_super():
    class Base:
        def f(self, x):
            return x + 1

    class Child(Base):
        def f(self, x):
            if x > 0:
                x = super().f(x)
            return x

    c = Child()
    g = tf.function(lambda x: c.f(x))
    assert int(g(tf.constant(1))) == 2 and int(g(tf.constant(-1))) == -1

    def make():
        n = 5

        def inner(x):
            nonlocal n
            n += 1
            if x > 0:
                y = x + n
            else:
                y = x - n
            return y
        return inner

    inner = make()
    assert int(tf.function(inner)(tf.constant(1))) == 7  # n = 6 while tracing
    assert inner.__closure__[0].cell_contents == 6  # the closure cell itself was updated


class Flip(keras.layers.Layer):
    def call(self, x):
        if tf.reduce_sum(x) > 0:
            return x * 2.0
        return -x


def test_keras_layer_call_is_converted():
    layer = Flip()

    @tf.function
    def run(x):
        return layer(x)

    assert run(tf.constant([1.0])).numpy().tolist() == [2.0]
    assert run(tf.constant([-1.0])).numpy().tolist() == [1.0]
    assert run.experimental_get_tracing_count() == 1


def test_errors_point_at_the_users_line():
    @tf.function
    def bad(x):
        if x > 0:
            y = tf.reshape(x, [5])  # the failing line
        else:
            y = x
        return y

    with pytest.raises(Exception) as e:
        bad(tf.constant(1.0))
    frames = [f for f in traceback.extract_tb(e.value.__traceback__)
              if f.filename == __file__]
    assert frames and frames[-1].line.strip() == "y = tf.reshape(x, [5])  # the failing line"


def test_print_stays_python_unless_builtin_functions_feature(capsys):
    @tf.function
    def plain(x):
        print("tracing", x.shape)
        return x

    plain(tf.constant(1))
    plain(tf.constant(2))
    assert capsys.readouterr().out.count("tracing") == 1

    @tf.function(experimental_autograph_options=tf.autograph.experimental.Feature.ALL)
    def converted(x):
        print("value", x)
        return x

    converted(tf.constant(1))
    converted(tf.constant(2))
    assert capsys.readouterr().out.splitlines() == ["value 1", "value 2"]


def test_set_verbosity_and_loop_options_are_accepted():
    tf.autograph.set_verbosity(0)
    assert tf.autograph.experimental.set_loop_options(maximum_iterations=2) is None


class Gate(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = keras.layers.Dense(1)

    def call(self, x):
        y = self.d(x)
        if tf.reduce_sum(y) > 1e9:  # a tensor condition inside fit's compiled step
            y = y * 0.0
        return y


def test_keras_call_with_tensor_condition_trains_with_fit():
    m = Gate()
    m.compile("sgd", "mse")
    x, y = np.ones((8, 2), np.float32), np.ones((8, 1), np.float32)
    hist = m.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"]
    assert hist[1] < hist[0]
    w, b = m.d.kernel.numpy(), m.d.bias.numpy()
    np.testing.assert_allclose(m.predict(x, verbose=0), x @ w + b, rtol=1e-5)


def test_callable_objects_are_converted():
    class Clip:
        def __call__(self, x):
            if x > 1.0:
                x = tf.constant(1.0)
            return x

    f = tf.function(Clip())
    assert float(f(tf.constant(3.0))) == 1.0 and float(f(tf.constant(0.5))) == 0.5
