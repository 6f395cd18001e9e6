"""LossScaleOptimizer: dynamic loss scaling as tf.keras 2.15 documents (checked with TF 2.15.1)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import mixed_precision as mp


def test_defaults_and_scaling_helpers():
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(1.0))
    assert opt.dynamic and opt.initial_scale == 32768.0 and opt.dynamic_growth_steps == 2000
    assert float(opt.get_scaled_loss(tf.constant(2.0))) == 65536.0
    assert [float(g) for g in opt.get_unscaled_gradients([tf.constant(65536.0)])] == [2.0]
    assert opt.get_unscaled_gradients([None]) == [None]


def test_nonfinite_step_is_skipped_and_scale_halves():
    opt = mp.LossScaleOptimizer(keras.optimizers.Adam(0.1))
    v = tf.Variable([1.0, 2.0])
    opt.apply_gradients([(tf.constant([np.nan, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    assert float(opt.loss_scale) == 16384.0 and int(opt.iterations) == 1
    slots = [s for s in opt.inner_optimizer.variables if s.shape == (2,)]
    assert all(np.all(s.numpy() == 0) for s in slots)  # moments untouched too
    opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
    # the skipped step still advanced `iterations` (as TF), so this is Adam's step t=2
    t, m, v2 = 2, 0.1, 0.001
    lr_t = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
    ref = np.array([1.0, 2.0]) - lr_t * m / (np.sqrt(v2) + 1e-7)
    np.testing.assert_allclose(v.numpy(), ref, rtol=1e-4)


def test_scale_grows_after_growth_steps():
    # TF 2.15.1 with initial_scale=4, dynamic_growth_steps=2: 4, 8, 8, 16, 16
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=4,
                                dynamic_growth_steps=2)
    v = tf.Variable(0.0)
    seen = []
    for _ in range(5):
        opt.apply_gradients([(tf.constant(1.0), v)])
        seen.append(float(opt.loss_scale))
    assert seen == [4.0, 8.0, 8.0, 16.0, 16.0] and float(v) == -5.0
    for _ in range(40):  # the scale never drops below 1
        opt.apply_gradients([(tf.constant(np.inf), v)])
    assert float(opt.loss_scale) == 1.0


def test_skip_inside_a_compiled_function():
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8)
    v = tf.Variable(1.0)
    step = tf.function(lambda g: opt.apply_gradients([(g, v)]))
    step(tf.constant(np.inf))
    step(tf.constant(2.0))
    assert float(v) == 0.0 and float(opt.loss_scale) == 4.0


def test_minimize_with_tape_matches_plain_sgd():
    w1, w2 = tf.Variable([1.0, -2.0]), tf.Variable([1.0, -2.0])
    lso = mp.LossScaleOptimizer(keras.optimizers.SGD(0.1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w1 * w1)
    lso.minimize(loss, [w1], tape=tape)
    keras.optimizers.SGD(0.1).minimize(lambda: tf.reduce_sum(w2 * w2), [w2])
    np.testing.assert_allclose(w1.numpy(), w2.numpy(), rtol=1e-6)


def test_argument_errors():
    with pytest.raises(ValueError, match="initial_scale"):
        mp.LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(TypeError, match="Received: inner_optimizer"):
        mp.LossScaleOptimizer("sgd")


def test_compile_wraps_under_mixed_float16_only():
    try:
        for name, wrapped in [("mixed_float16", True), ("mixed_bfloat16", False)]:
            mp.set_global_policy(name)
            inp = keras.Input((3,))
            model = keras.Model(inp, keras.layers.Dense(1)(inp))
            model.compile("sgd", "mse")
            assert isinstance(model.optimizer, mp.LossScaleOptimizer) == wrapped
    finally:
        mp.set_global_policy(None)


def _mnist(n):
    from tapeflow.keras.datasets import mnist
    (x, y), _ = mnist.load_vendored()  # the shipped MNIST test set
    return x[:n].reshape(n, 784).astype("float32") / 255.0, y[:n]


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_fit_converges_like_float32(policy):
    x, y = _mnist(3000)
    accs = {}
    for name in ("float32", policy):
        mp.set_global_policy(name)
        try:
            tf.random.set_seed(0)
            inp = keras.Input((784,))
            h = keras.layers.Dense(64, activation="relu")(inp)
            out = keras.layers.Activation("softmax", dtype="float32")(keras.layers.Dense(10)(h))
            model = keras.Model(inp, out)
            model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x[:2500], y[:2500], epochs=3, batch_size=100, verbose=0)
            accs[name] = model.evaluate(x[2500:], y[2500:], verbose=0)[1]
        finally:
            mp.set_global_policy(None)
    assert accs["float32"] > 0.85 and accs[policy] > accs["float32"] - 0.03
