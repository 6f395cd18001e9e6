"""Checks every image preprocessing layer gets: NumPy and Tensor inputs, rank 3
and 4, the config round trip, a functional model, training-only randomness,
and a compiled training call (the way `Dataset.map(tf.function(...))` runs it).
"""
import numpy as np

import tapeflow as tf
from tapeflow import keras


def images(shape=(2, 8, 8, 3), seed=0, scale=255.0):
    return (np.random.RandomState(seed).rand(*shape) * scale).astype(np.float32)


def check_image_layer(layer, x, random=True):
    """Returns the layer's training output on `x`."""
    cls = type(layer)
    inf = layer(x, training=False).numpy()
    np.testing.assert_allclose(layer(tf.constant(x), training=False).numpy(), inf, atol=1e-5)
    np.testing.assert_allclose(layer(x[0], training=False).numpy(), inf[0], atol=1e-4)
    if random:  # identity at inference for the augmentation layers
        np.testing.assert_allclose(inf, x.astype(np.float32), atol=1e-6)
    clone = cls.from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}
    np.testing.assert_allclose(clone(x, training=False).numpy(), inf, atol=1e-5)
    inp = keras.Input(x.shape[1:])
    sym = clone(inp)
    assert sym.shape.as_list()[-1] == x.shape[-1]
    model = keras.Model(inp, sym)
    np.testing.assert_allclose(model.predict(x, verbose=0), inf, atol=1e-5)
    out = layer(x, training=True).numpy()
    compiled = tf.function(lambda t: layer(t, training=True))
    if cls.__name__ not in ("RandomHeight", "RandomWidth"):
        assert compiled(tf.constant(x)).shape == out.shape
    return out
