"""Model's saving/config methods live on the class (no import-time patching), and compile's
argument errors name the arguments tapeflow accepts."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras.models.model import Model
from tapeflow.keras.trainers.trainer import Trainer


def test_saving_and_config_methods_are_defined_on_model():
    for name in ("save", "save_weights", "load_weights", "to_json", "get_config", "from_config",
                 "get_compile_config"):
        assert name in vars(Model), name
    assert "compile" in vars(Trainer) and "compile" not in vars(Model)


def test_get_compile_config_round_trips_through_compile_from_config(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert model.get_compile_config() is None
    model.compile(keras.optimizers.SGD(0.5), "mse", metrics=["mae"])
    cfg = model.get_compile_config()
    assert cfg["optimizer"]["class_name"] == "SGD" and cfg["loss"] == "mse"
    assert cfg["metrics"] == ["mae"]
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert float(loaded.optimizer.learning_rate) == 0.5
    x = np.ones((3, 2), np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_compile_rejects_unknown_keywords_naming_the_accepted_ones():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match=r"\('cloning',\).*Valid keyword arguments are: "
                                        r"optimizer, loss"):
        model.compile("sgd", "mse", cloning=True)
