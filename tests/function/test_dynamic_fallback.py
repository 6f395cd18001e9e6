"""A tf.function whose trace meets a per-call output shape (RandomHeight/RandomWidth)
runs its Python eagerly for that signature; references: the same Python run eagerly
and tf.image.resize to the drawn size."""
import logging

import numpy as np

import tapeflow as tf
from tapeflow import keras


def test_random_height_in_tf_function_draws_sizes_per_call(caplog):
    layer = keras.layers.RandomHeight((-0.5, 0.5), interpolation="nearest", seed=3)

    @tf.function
    def augment(x):
        return layer(x, training=True)

    x = tf.reshape(tf.range(32, dtype=tf.float32), (1, 8, 4, 1))
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        outs = [augment(x) for _ in range(8)]
    heights = {int(o.shape[1]) for o in outs}
    assert len(heights) > 1 and all(4 <= h <= 12 for h in heights)
    for o in outs:  # the content is the input resized to the drawn height
        ref = tf.image.resize(x, (o.shape[1], 4), method="nearest")
        np.testing.assert_array_equal(o.numpy(), ref.numpy())
    assert sum("runs eagerly" in r.getMessage() for r in caplog.records) == 1
    assert augment.experimental_get_tracing_count() == 1  # no retrace per call


def test_other_signatures_still_compile():
    layer = keras.layers.RandomWidth(0.3, seed=1)

    @tf.function
    def f(x, training):
        return layer(x, training=training) * 2.0

    x = tf.ones((1, 4, 6, 1))
    assert f(x, True).shape[2] in range(4, 8)
    np.testing.assert_allclose(f(x, False).numpy(), 2.0 * x.numpy())
    eager_entries = [e for e in f._cache.values() if e.runs_eagerly]
    assert len(eager_entries) == 1 and len(f._cache) == 2


def test_custom_training_loop_equals_eager_loop():
    def run(decorate):
        tf.random.set_seed(7)
        keras.utils.set_random_seed(7)
        model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.RandomWidth(0.4, seed=2),
                                  keras.layers.Conv2D(2, 3), keras.layers.GlobalAveragePooling2D(),
                                  keras.layers.Dense(1)])
        opt = keras.optimizers.SGD(0.1)

        def step(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((model(x, training=True) - y) ** 2)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        step = tf.function(step) if decorate else step
        x = np.random.default_rng(0).random((4, 8, 8, 1), np.float32)
        y = np.ones((4, 1), np.float32)
        return [float(step(x, y)) for _ in range(3)], model.get_weights()

    losses, weights = run(True)
    ref_losses, ref_weights = run(False)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6)
    for w, r in zip(weights, ref_weights):
        np.testing.assert_allclose(w, r, rtol=1e-6)
    assert len(set(losses)) == 3  # the weights moved each step
