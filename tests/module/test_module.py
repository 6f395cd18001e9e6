"""tf.Module: naming, discovery order (TF's documented walk), dedup, name scopes, tf.function."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)

    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b


def test_default_name_is_snake_case_class_name():
    class MyFancyModule(tf.Module):
        pass
    assert MyFancyModule().name == "my_fancy_module"
    assert tf.Module().name == "module"
    assert MyFancyModule(name="x").name_scope.name == "x/"


def test_invalid_name_raises():
    with pytest.raises(ValueError, match="valid module name"):
        tf.Module(name="bad name")


def test_variables_in_sorted_attribute_order_then_submodules():
    m = tf.Module(name="root")
    m.z = tf.Variable(1.0, name="z")
    m.a = tf.Variable(2.0, name="a")
    m.child = Dense(2, 3, name="child")
    m.d = {"y": tf.Variable(3.0, name="y"), "x": tf.Variable(4.0, name="x")}
    m.t = (m.a, [tf.Variable(5.0, name="in_list")])
    names = [v.name for v in m.variables]
    # own attributes sorted (a, child, d{x, y}, t, z), dedup of m.a, then child's
    assert names == ["a:0", "x:0", "y:0", "in_list:0", "z:0", "child/b:0", "child/w:0"]
    assert [v.name for v in m.trainable_variables] == [
        "a:0", "x:0", "y:0", "in_list:0", "z:0", "child/w:0"]
    assert [v.name for v in m.non_trainable_variables] == ["child/b:0"]


def test_submodules_nested_and_deduplicated():
    a, b, c = tf.Module(name="a"), tf.Module(name="b"), tf.Module(name="c")
    a.b = b
    a.again = [b]
    b.c = c
    c.back = a  # cycles do not loop
    assert list(a.submodules) == [b, c]
    assert list(b.submodules) == [c, a]


def test_flatten_with_path_and_predicate():
    m = tf.Module()
    m.layers = [Dense(1, 1, name="l0")]
    paths = [p for p, _ in m._flatten(with_path=True, predicate=lambda v: isinstance(
        v, tf.Variable))]
    assert paths == [("layers", 0, "b"), ("layers", 0, "w")]
    assert len(list(m._flatten(recursive=False, predicate=lambda v: isinstance(
        v, tf.Variable)))) == 0


def test_with_name_scope_and_nested_scopes():
    class M(tf.Module):
        @tf.Module.with_name_scope
        def make(self):
            return tf.Variable(1.0, name="v")
    with tf.name_scope("outer") as s:
        assert s == "outer/"
        assert M(name="m").make().name == "outer/m/v:0"  # the scope captured at creation
        assert tf.Variable(0.0, name="q").name == "outer/q:0"
    assert M(name="m").make().name == "m/v:0"
    with pytest.raises(ValueError):
        tf.name_scope("bad name!")


class MLP(tf.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2 = Dense(3, 4, name="l1"), Dense(4, 1, name="l2")

    @tf.function
    def __call__(self, x):
        return self.l2(tf.nn.relu(self.l1(x)))


def test_tf_function_method_and_gradients():
    m = MLP()
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(m(x))
    grads = tape.gradient(y, m.trainable_variables)
    # y = sum_i sum_k relu(x_i . 1 + 0) * 1 -> d/dw1[j,k] = sum_i x_ij (all relu active)
    np.testing.assert_allclose(grads[0].numpy(), np.tile(x.numpy().sum(0)[:, None], (1, 4)))
    np.testing.assert_allclose(grads[1].numpy(), np.full((4, 1), x.numpy().sum()))


def test_keras_layer_is_module():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert isinstance(layer, tf.Module)
    assert layer.name_scope.name == layer.name + "/"
    model = keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(1)])
    model.build((None, 3))
    assert list(model.submodules) == list(model.layers)
    assert [v.name for v in model.variables] == [w.name for w in model.weights]


def test_trackable_children_lists_tracked_attributes():
    m = tf.Module()
    m.w = tf.Variable(1.0)
    m.note = "text"
    m.parts = [Dense(1, 1)]
    assert list(m._trackable_children()) == ["parts", "w"]
