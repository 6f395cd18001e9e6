"""Keras 2 whole-model .h5 files: written by tapeflow, read by tf.keras 2.x, and back."""
import json

import h5py
import numpy as np
import pytest

from tapeflow import keras

X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")
Y = X.sum(axis=1, keepdims=True).astype("float32")


def _functional():
    inputs = keras.Input((3,), name="feat")
    a = keras.layers.Dense(4, activation="relu")(inputs)
    b = keras.layers.Dense(4)(inputs)
    x = keras.layers.BatchNormalization()(keras.layers.Add()([a, b]))
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def _sequential():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                             keras.layers.Dense(1)])


def test_layout_is_keras2(tmp_path):
    model = _sequential()
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    path = str(tmp_path / "m.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert config["config"]["layers"][0]["class_name"] == "InputLayer"
        training = json.loads(f.attrs["training_config"])
        assert training["loss"] == "mse"
        assert training["optimizer_config"]["class_name"] == "Custom>Adam"
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in f["model_weights"].attrs["layer_names"]]
        assert names == [l.name for l in model.layers]
        first = model.layers[0]
        np.testing.assert_array_equal(f[f"model_weights/{first.name}/{first.name}/kernel:0"],
                                      first.kernel.numpy())
        assert len(f["optimizer_weights"].attrs["weight_names"]) == len(
            model.optimizer.variables)


def test_round_trip_keeps_predictions_and_optimizer(tmp_path):
    model = _functional()
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    path = str(tmp_path / "f.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    plain = keras.models.load_model(path, compile=False)
    assert getattr(plain, "optimizer", None) is None
    model.save(str(tmp_path / "g"), save_format="h5")
    assert h5py.is_hdf5(str(tmp_path / "g"))

    class Sub(keras.Model):
        def call(self, x):
            return x
    with pytest.raises(NotImplementedError, match="subclassed"):
        Sub().save(str(tmp_path / "sub.h5"))
    assert not (tmp_path / "sub.h5").exists()


TF_SCRIPT = r"""
import json, sys
import numpy as np
import tensorflow as tf
d = sys.argv[1]
X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")
out = {}
for name in ("seq", "fun"):
    m = tf.keras.models.load_model(f"{d}/{name}.h5")
    out[name] = m.predict(X, verbose=0).tolist()
    out[name + "_iter"] = int(m.optimizer.iterations.numpy())
    out[name + "_slot"] = m.optimizer.variables[1].numpy().tolist()
tf.keras.utils.set_random_seed(2)
inputs = tf.keras.Input((3,))
x = tf.keras.layers.BatchNormalization()(tf.keras.layers.Dense(4, activation="relu")(inputs))
m = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
m.compile(tf.keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
m.fit(X, X.sum(axis=1, keepdims=True), epochs=2, batch_size=4, verbose=0)
m.save(f"{d}/tf.h5")
out["tf"] = m.predict(X, verbose=0).tolist()
out["tf_iter"] = int(m.optimizer.iterations.numpy())
print(json.dumps(out))
"""


def test_tf_keras_reads_and_writes_h5(tf_peer, tmp_path):
    models = {"seq": _sequential(), "fun": _functional()}
    for name, model in models.items():
        model.compile(keras.optimizers.Adam(0.01), "mse")
        model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
        model.save(str(tmp_path / f"{name}.h5"))
    out = tf_peer(TF_SCRIPT, tmp_path)
    for name, model in models.items():
        np.testing.assert_allclose(out[name], model.predict(X, verbose=0), rtol=1e-5,
                                   atol=1e-6)
        assert out[name + "_iter"] == int(model.optimizer.iterations.numpy())
        np.testing.assert_array_equal(out[name + "_slot"],
                                      model.optimizer.variables[1].numpy())
    loaded = keras.models.load_model(str(tmp_path / "tf.h5"))
    np.testing.assert_allclose(loaded.predict(X, verbose=0), out["tf"], rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == out["tf_iter"]
