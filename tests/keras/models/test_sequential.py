"""keras.Sequential: add/pop, deferred build, errors, summary options."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


def test_deferred_build_on_first_call():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built
    y = model(np.ones((2, 5), "float32"))
    assert y.shape == (2, 1) and model.built and len(model.weights) == 4
    assert model.layers[0].kernel.shape == (5, 3)


def test_input_shape_kwarg_on_first_layer_builds_immediately():
    model = keras.Sequential([layers.Dense(3, input_shape=(4,)), layers.Dense(1)])
    assert model.built and len(model.weights) == 4
    assert model.layers[1].output_shape == (None, 1)


def test_add_pop_and_errors():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3, name="a")])
    with pytest.raises(ValueError, match='Name "a" is already the name of a layer'):
        model.add(layers.Dense(1, name="a"))
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        model.add("dense")
    model.add(layers.Dense(4, name="b"))
    assert model(np.ones((1, 2))).shape == (1, 4)
    popped = model.pop()
    assert popped.name == "b" and [l.name for l in model.layers] == ["a"]
    assert model(np.ones((1, 2))).shape == (1, 3)
    assert model.layers[0].output_shape == (None, 3)


def test_summary_options():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,), name="d1"),
                              layers.BatchNormalization(name="bn")])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append, show_trainable=True)
    assert len(lines[1]) == 76 and lines[2].rstrip().endswith("Trainable")
    assert lines[4].rstrip().endswith("N") and lines[6].rstrip().endswith("Y")
    assert lines[-4:-1] == ["Total params: 16 (64.00 Byte)",
                            "Trainable params: 4 (16.00 Byte)",
                            "Non-trainable params: 12 (48.00 Byte)"]
    lines = []
    model.summary(print_fn=lines.append, line_length=50, positions=[25, 40, 50])
    assert all(len(l) == 50 for l in lines[1:4]) and lines[4].startswith(" d1 (Dense)")
    unbuilt = keras.Sequential([layers.Dense(1)])
    with pytest.raises(ValueError, match="not yet been built"):
        unbuilt.summary()


def test_summary_expand_nested():
    inner = keras.Sequential([layers.Dense(2, name="i1")], name="inner")
    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, inner(inp))
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    text = "\n".join(lines)
    assert "inner (Sequential)" in text and "| i1 (Dense)" in text
    assert any(l.startswith("|¯") for l in lines)


def test_get_layer():
    model = keras.Sequential([layers.Dense(1, name="x", input_shape=(2,))])
    assert model.get_layer("x") is model.layers[0] and model.get_layer(index=0).name == "x"
    with pytest.raises(ValueError, match="No such layer: y"):
        model.get_layer("y")


def test_config_round_trip():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(1)], name="seq_cfg")
    config = model.get_config()
    clone = keras.Sequential.from_config(config)
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Dropout", "Dense"]
    assert clone.built and clone.name == "seq_cfg"
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="Unknown layer: 'Bogus'"):
        layers.deserialize({"class_name": "Bogus", "config": {}})
