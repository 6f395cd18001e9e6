"""tf.config.run_functions_eagerly(True): tf.function, fit/evaluate/predict steps and
Dataset.map functions run their Python eagerly (breakpoints and prints hit)."""
import numpy as np

import tapeflow as tf
from tapeflow import keras


class Probe(keras.Model):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen
        self.d = keras.layers.Dense(1)

    def call(self, x):
        self.seen.append(tf.executing_eagerly())
        return self.d(x)


def test_fit_evaluate_predict_steps_run_eagerly():
    seen = []
    m = Probe(seen)
    m.compile("sgd", "mse")
    x, y = np.ones((8, 2), np.float32), np.ones((8, 1), np.float32)
    tf.config.run_functions_eagerly(True)
    try:
        m.fit(x, y, batch_size=4, epochs=1, verbose=0)
        m.evaluate(x, y, batch_size=4, verbose=0)
        m.predict(x, batch_size=4, verbose=0)
        assert seen and all(seen)  # every step ran the model's Python eagerly
    finally:
        tf.config.run_functions_eagerly(False)
    seen.clear()
    m.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert seen and not any(seen)  # compiled again: the Python runs only while tracing


def test_dataset_map_functions_run_eagerly_in_debug_mode():
    seen = []

    def fn(x):
        seen.append((tf.executing_eagerly(), int(x)))
        return x * 2

    tf.data.experimental.enable_debug_mode()
    ds = tf.data.Dataset.range(4).map(fn, num_parallel_calls=4)
    assert [int(v) for v in ds] == [0, 2, 4, 6]
    assert seen == [(True, 0), (True, 1), (True, 2), (True, 3)]
