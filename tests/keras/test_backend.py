"""keras.backend helpers."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import backend as K


def test_settings():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    assert K.image_data_format() == "channels_last"
    K.set_floatx("float64")
    try:
        assert keras.layers.Dense(1)(tf.ones((1, 2))).dtype == tf.float64
    finally:
        K.set_floatx("float32")
    with pytest.raises(ValueError, match="floatx"):
        K.set_floatx("int8")


def test_int_shape_random_normal_clear_session():
    assert K.int_shape(tf.zeros((2, 3))) == (2, 3)
    assert K.int_shape(keras.Input(shape=(4,))) == (None, 4)
    tf.random.set_seed(7)
    v = K.random_normal((2000,), mean=1.0, stddev=2.0).numpy()
    assert v.dtype == np.float32 and abs(v.mean() - 1) < 0.15 and abs(v.std() - 2) < 0.15
    K.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert K.is_keras_tensor(keras.Input(shape=(1,))) and not K.is_keras_tensor(tf.ones(1))
