"""How a Layer's call arguments bind, as in tf.keras 2.15 (checked against TF 2.15.1)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


class Pair(keras.layers.Layer):
    def call(self, logits, targets):
        return logits - targets


def test_first_call_argument_by_keyword_is_the_input():
    a, b = tf.constant([3.0, 5.0]), tf.constant([1.0, 1.0])
    np.testing.assert_array_equal(Pair()(logits=a, targets=b).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(Pair()(targets=b, logits=a).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(Pair()(a, targets=b).numpy(), [2.0, 4.0])


def test_keyword_only_call_in_functional_model():
    x, y = keras.Input((2,)), keras.Input((2,))
    model = keras.Model([x, y], Pair()(logits=x, targets=y))
    out = model([np.ones((1, 2), np.float32), np.full((1, 2), 3.0, np.float32)])
    np.testing.assert_array_equal(out.numpy(), [[-2.0, -2.0]])


def test_missing_first_argument_names_it():
    with pytest.raises(ValueError, match="`logits`"):
        Pair()(targets=tf.ones(2))


@pytest.mark.parametrize("build", ["sequential", "functional"])
def test_training_passed_positionally(build):
    tf.random.set_seed(0)
    drop = keras.layers.Dropout(0.5)
    if build == "sequential":
        model = keras.Sequential([keras.Input((400,)), drop])
    else:
        inp = keras.Input((400,))
        model = keras.Model(inp, drop(inp))
    x = tf.ones((2, 400))
    np.testing.assert_array_equal(model(x, False).numpy(), x.numpy())
    out = model(x, True).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and 0.3 < (out == 0).mean() < 0.7


def test_training_and_mask_positionally_on_a_custom_layer():
    class Seen(keras.layers.Layer):
        def call(self, inputs, training=None, mask=None):
            self.seen = (training, mask)
            return inputs
    layer = Seen()
    m = tf.constant([True, False])
    layer(tf.ones(2), True, m)
    assert layer.seen[0] is True and layer.seen[1] is m
    with pytest.raises(TypeError, match="multiple values for argument 'training'"):
        layer(tf.ones(2), True, training=False)
