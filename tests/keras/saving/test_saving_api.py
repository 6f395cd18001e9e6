"""model.save / load_model (.keras archives), configs, registry and safety."""
import json
import zipfile

import h5py
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import saving
from tapeflow.keras.models import cloning
from tapeflow.keras.saving import keras_archive

X = (np.arange(24, dtype="float32").reshape(8, 3) % 5) / 4.0
Y = (X.sum(axis=1, keepdims=True) * 0.3).astype("float32")


def _functional():
    x = keras.Input((3,), name="features")
    h = keras.layers.Dense(4, activation="relu")(x)
    a = keras.layers.Dense(2)(h)
    b = keras.layers.Dense(2)(x)
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    return keras.Model(x, out)


def _sequential():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1)])


def _same_predictions(a, b):
    np.testing.assert_allclose(a.predict(X, verbose=0), b.predict(X, verbose=0), rtol=0,
                               atol=0)


@pytest.mark.parametrize("make", [_functional, _sequential])
def test_round_trip_and_identical_resumed_training(tmp_path, make):
    model = make()
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert type(loaded) is type(model)
    _same_predictions(model, loaded)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 4
    for va, vb in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    h1 = model.fit(X, Y, epochs=2, batch_size=4, verbose=0, shuffle=False).history
    h2 = loaded.fit(X, Y, epochs=2, batch_size=4, verbose=0, shuffle=False).history
    np.testing.assert_allclose(h1["loss"], h2["loss"], rtol=1e-6)
    _same_predictions(model, loaded)


def test_archive_members_and_keras3_layout(tmp_path):
    model = _functional()
    model.compile("sgd", "mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(zf.read("config.json"))
        assert "keras_version" in json.loads(zf.read("metadata.json"))
        zf.extract("model.weights.h5", tmp_path)
    assert config["class_name"] == "Model" and config["module"] == "keras.models"
    layers = config["config"]["layers"]
    assert [l["class_name"] for l in layers][0] == "InputLayer"
    dense = layers[1]
    assert dense["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == ["features", 0, 0]
    assert config["config"]["input_layers"] == [["features", 0, 0]]
    assert config["compile_config"]["loss"] == "mse"
    assert config["compile_config"]["optimizer"]["class_name"] == "SGD"
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()],
                                      model.get_layer(dense["name"]).kernel.numpy())
        assert "optimizer/vars/0" in f   # iterations


def test_load_without_compile(tmp_path):
    model = _sequential()
    model.compile("adam", "mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path, compile=False)
    assert not getattr(loaded, "_is_compiled", False)
    _same_predictions(model, loaded)


@saving.register_keras_serializable(package="tests")
class Scaled(keras.Model):
    def __init__(self, units=2, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.factor = units, factor
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        return self.dense(x) * self.factor

    def get_config(self):
        return {**super().get_config(), "units": self.units, "factor": self.factor}


def test_subclassed_model_through_registry(tmp_path):
    model = Scaled(3, 2.0)
    model(X)
    path = str(tmp_path / "s.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert isinstance(loaded, Scaled) and loaded.factor == 2.0
    np.testing.assert_array_equal(loaded(X).numpy(), model(X).numpy())
    assert saving.get_registered_object("tests>Scaled") is Scaled


class Doubler(keras.layers.Layer):
    def call(self, x):
        return x * 2.0


def test_custom_layer_needs_custom_objects_or_scope(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Doubler(), keras.layers.Dense(1)])
    path = str(tmp_path / "c.keras")
    model.save(path)
    with pytest.raises(ValueError, match="Doubler"):
        saving.load_model(path)
    loaded = saving.load_model(path, custom_objects={"Doubler": Doubler})
    _same_predictions(model, loaded)
    with saving.custom_object_scope({"Doubler": Doubler}):
        _same_predictions(model, saving.load_model(path))


def test_serialize_deserialize_objects():
    opt = keras.optimizers.Adam(learning_rate=0.25, beta_1=0.5)
    back = saving.deserialize_keras_object(saving.serialize_keras_object(opt))
    assert type(back).__name__ == "Adam" and back.beta_1 == 0.5
    np.testing.assert_allclose(float(back.learning_rate), 0.25)
    layer = saving.deserialize_keras_object(saving.serialize_keras_object(
        keras.layers.Dense(7, activation="relu", name="dd")))
    assert (layer.units, layer.name) == (7, "dd")


def test_get_config_from_config_clone_and_json():
    model = _functional()
    config = model.get_config()
    rebuilt = keras.Model.from_config(config)
    assert [type(l).__name__ for l in rebuilt.layers] == [type(l).__name__
                                                          for l in model.layers]
    rebuilt.set_weights(model.get_weights())
    _same_predictions(model, rebuilt)
    clone = cloning.clone_model(model)
    assert clone.count_params() == model.count_params()
    assert not np.array_equal(clone.layers[1].kernel.numpy(), model.layers[1].kernel.numpy())
    from_json = cloning.model_from_json(model.to_json())
    from_json.set_weights(model.get_weights())
    _same_predictions(model, from_json)
    seq = _sequential()
    seq_clone = cloning.clone_model(seq)
    seq_clone.set_weights(seq.get_weights())
    _same_predictions(seq, seq_clone)


def test_shared_layer_nodes_rebuilt():
    x1, x2 = keras.Input((3,)), keras.Input((3,))
    shared = keras.layers.Dense(2)
    out = keras.layers.Add()([shared(x1), shared(x2)])
    model = keras.Model([x1, x2], out)
    rebuilt = keras.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt([X, X + 1]).numpy(), model([X, X + 1]).numpy())
    assert len(rebuilt.weights) == 2


def test_safe_mode_refuses_lambda_bytecode(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t * 3.0)])
    path = str(tmp_path / "l.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode"):
        saving.load_model(path)
    loaded = saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), X * 3.0)


def test_corrupt_and_truncated_archives(tmp_path):
    path = tmp_path / "m.keras"
    _sequential().save(str(path))
    data = path.read_bytes()
    bad = tmp_path / "bad.keras"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a valid .keras archive"):
        saving.load_model(str(bad))
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="not a valid .keras archive"):
        saving.load_model(str(bad))
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("config.json", "{")
        zf.writestr("model.weights.h5", b"junk")
    with pytest.raises(ValueError, match="config.json"):
        saving.load_model(str(bad))


def test_tampered_archive_executes_nothing(tmp_path):
    path = tmp_path / "t.keras"
    cfg = {"module": "os", "class_name": "system", "registered_name": "system",
           "config": {"command": "touch " + str(tmp_path / "pwned")}}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("config.json", json.dumps(cfg))
        zf.writestr("model.weights.h5", b"")
    with pytest.raises(ValueError, match="Could not locate class 'system'"):
        saving.load_model(str(path))
    func = {"class_name": "function", "config": "system", "module": "os",
            "registered_name": "system"}
    with pytest.raises(ValueError, match="Unknown function"):
        saving.deserialize_keras_object(func)
    assert not (tmp_path / "pwned").exists()


def test_save_killed_midway_keeps_previous_archive(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    model = _sequential()
    model.save(str(path))
    before = path.read_bytes()
    real = zipfile.ZipFile.writestr
    calls = []

    def dying(self, name, data, *a, **k):
        calls.append(name)
        if name == "model.weights.h5":
            raise KeyboardInterrupt("killed")
        return real(self, name, data, *a, **k)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", dying)
    with pytest.raises(KeyboardInterrupt):
        _sequential().save(str(path))
    assert calls[-1] == "model.weights.h5"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]
    monkeypatch.undo()
    _same_predictions(model, saving.load_model(str(path)))


def test_bad_extension_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="save_format"):
        _sequential().save(str(tmp_path / "m.zip"), save_format="zip")
    with pytest.raises(ValueError, match="File not found"):
        saving.load_model(str(tmp_path / "nope.keras"))
    assert keras_archive.model_config(_sequential())["class_name"] == "Sequential"


def test_model_checkpoint_callback_writes_loadable_archives(tmp_path):
    model = _sequential()
    model.compile("sgd", "mse")
    path = str(tmp_path / "best.keras")
    wpath = str(tmp_path / "w.weights.h5")
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(path),
        keras.callbacks.ModelCheckpoint(wpath, save_weights_only=True)])
    _same_predictions(model, saving.load_model(path))
    other = _sequential()
    other.load_weights(wpath)
    _same_predictions(model, other)
