import numpy as np

import tapeflow as tf


def test_stateless_ops_are_deterministic_and_in_range(inputs):
    x = inputs["x"]
    for fn in (lambda s: tf.image.stateless_random_brightness(x, 0.2, s),
               lambda s: tf.image.stateless_random_contrast(x, 0.5, 1.5, s),
               lambda s: tf.image.stateless_random_saturation(x, 0.5, 1.5, s),
               lambda s: tf.image.stateless_random_hue(x, 0.2, s),
               lambda s: tf.image.stateless_random_flip_left_right(x, s),
               lambda s: tf.image.stateless_random_flip_up_down(x, s),
               lambda s: tf.image.stateless_random_crop(x, [2, 5, 6, 3], s)):
        np.testing.assert_array_equal(fn([1, 2]).numpy(), fn([1, 2]).numpy())
    delta = tf.image.stateless_random_brightness(x, 0.2, [3, 4]).numpy() - x
    assert np.allclose(delta, delta.flat[0], atol=1e-6) and abs(delta.flat[0]) <= 0.2


def test_flips_are_per_image_and_crops_are_windows():
    x = np.random.RandomState(0).rand(32, 3, 4, 1).astype(np.float32)
    y = tf.image.random_flip_left_right(x, seed=3).numpy()
    flipped = [np.array_equal(b, a[:, ::-1]) for a, b in zip(x, y)]
    kept = [np.array_equal(b, a) for a, b in zip(x, y)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    c = tf.image.random_crop(x[0], [2, 2, 1], seed=1).numpy()
    assert any(np.array_equal(c, x[0, i:i + 2, j:j + 2]) for i in range(2) for j in range(3))


def test_random_ops_compile_and_advance():
    x = tf.constant(np.random.RandomState(1).rand(2, 4, 4, 3).astype(np.float32))
    f = tf.function(lambda t: tf.image.random_hue(tf.image.random_brightness(t, 0.3), 0.2))
    a, b = f(x).numpy(), f(x).numpy()
    assert a.shape == (2, 4, 4, 3) and not np.allclose(a, b)
