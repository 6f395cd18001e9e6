"""Shared checks run on every built-in layer.

`check_layer(cls, kwargs, x)` builds the layer on `x` and checks: the output
shape against `compute_output_shape` and a symbolic (KerasTensor) call,
weight counts, inference vs training behaviour, one gradient step with
GradientTape, the get_config/from_config round trip (same outputs with the
same weights) and eager == tf.function results.
"""
import numpy as np

import tapeflow as tf
from tapeflow import keras


def _np(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def check_layer(cls, kwargs, x, expected_shape=None, trainable=0, non_trainable=0,
                training_changes_output=False, reference=None, differentiable=True,
                atol=1e-5):
    """Runs the shared checks; returns the built layer and its inference output."""
    x = tf.convert_to_tensor(x)
    layer = cls(**kwargs)
    y = layer(x)
    # shapes: actual, compute_output_shape, symbolic call with an unknown batch
    if expected_shape is not None:
        assert tuple(y.shape.as_list()) == tuple(expected_shape)
    assert layer.compute_output_shape(x.shape).as_list() == y.shape.as_list()
    kt = keras.Input(shape=x.shape.as_list()[1:], dtype=x.dtype)
    sym = cls.from_config(layer.get_config())(kt)
    assert sym.shape.as_list() == [None] + y.shape.as_list()[1:]
    assert sym.dtype == y.dtype
    # weights
    assert len(layer.trainable_weights) == trainable
    assert len(layer.non_trainable_weights) == non_trainable
    assert len(layer.weights) == trainable + non_trainable
    # reference values
    if reference is not None:
        np.testing.assert_allclose(_np(y), reference(_np(x), layer), rtol=1e-5, atol=atol)
    # inference vs training
    y_inf = layer(x, training=False)
    np.testing.assert_allclose(_np(y_inf), _np(y), rtol=1e-6, atol=1e-6)
    y_train = layer(x, training=True)
    if training_changes_output:
        assert not np.allclose(_np(y_train), _np(y_inf))
    elif not non_trainable:
        np.testing.assert_allclose(_np(y_train), _np(y_inf), rtol=1e-6, atol=1e-6)
    # one gradient step on the trainable weights (and the input)
    if differentiable and x.dtype.is_floating:
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = layer(x, training=False)
            loss = tf.reduce_sum(tf.square(tf.cast(out, tf.float32)))
        grads = tape.gradient(loss, [x] + layer.trainable_weights)
        assert grads[0] is not None and grads[0].shape == x.shape
        for g, w in zip(grads[1:], layer.trainable_weights):
            assert g is not None and g.shape == w.shape
            w.assign_sub(1e-3 * g)
        if layer.trainable_weights:
            new_loss = tf.reduce_sum(tf.square(tf.cast(layer(x, training=False), tf.float32)))
            assert float(new_loss) <= float(loss) + 1e-6
    # config round trip
    config = layer.get_config()
    clone = cls.from_config(config)
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(clone(x)), _np(layer(x)), rtol=1e-6, atol=1e-6)
    assert {k: v for k, v in clone.get_config().items() if k != "name"} == \
        {k: v for k, v in config.items() if k != "name"}
    # eager == compiled
    compiled = tf.function(lambda t: layer(t, training=False))
    np.testing.assert_allclose(_np(compiled(x)), _np(layer(x, training=False)), rtol=1e-5,
                               atol=1e-6)
    return layer, y
