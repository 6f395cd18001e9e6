"""add_metric without `name=`: tf.keras 2.15.1 raises ValueError (eager and symbolic); so do we."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


class Summed(keras.layers.Layer):
    def __init__(self, name_metric=None, **kw):
        super().__init__(**kw)
        self.name_metric = name_metric

    def call(self, x):
        self.add_metric(tf.reduce_sum(x), name=self.name_metric)
        return x


def test_add_metric_without_name_is_rejected_as_in_tf_keras():
    with pytest.raises(ValueError, match="provide a name for your metric"):
        Summed()(tf.ones((2, 2)))


def test_named_add_metric_is_tracked_in_fit():
    inp = keras.Input((2,))
    model = keras.Model(inp, keras.layers.Dense(1)(Summed("total")(inp)))
    model.compile("sgd", "mse")
    hist = model.fit(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32), batch_size=4,
                     verbose=0)
    assert hist.history["total"] == [pytest.approx(8.0)]
