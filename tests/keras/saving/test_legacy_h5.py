"""Reading TF 2 tf.keras HDF5 files (written here in TF's layout by the test itself)."""
import json

import h5py
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import saving

RS = np.random.RandomState(0)
K1, B1 = RS.rand(3, 2).astype("float32"), RS.rand(2).astype("float32")
K2, B2 = RS.rand(2, 1).astype("float32"), RS.rand(1).astype("float32")
X = RS.rand(5, 3).astype("float32")


def _expected():
    return np.maximum(X @ K1 + B1, 0) @ K2 + B2


def _write_tf_weights(group):
    group.attrs["layer_names"] = [b"input_1", b"dense", b"dense_1"]
    group.create_group("input_1").attrs["weight_names"] = []
    for name, (k, b) in (("dense", (K1, B1)), ("dense_1", (K2, B2))):
        g = group.create_group(name)
        g.attrs["weight_names"] = [f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()]
        g.create_dataset(f"{name}/kernel:0", data=k)
        g.create_dataset(f"{name}/bias:0", data=b)


def _dense(name, units, activation):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "dtype": "float32", "units": units,
        "activation": activation, "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
        "bias_constraint": None}}


def _tf2_functional_config():
    input_layer = {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
                   "config": {"batch_input_shape": [None, 3], "dtype": "float32",
                              "sparse": False, "ragged": False, "name": "input_1"}}
    d1 = dict(_dense("dense", 2, "relu"), name="dense",
              inbound_nodes=[[["input_1", 0, 0, {}]]])
    d2 = dict(_dense("dense_1", 1, "linear"), name="dense_1",
              inbound_nodes=[[["dense", 0, 0, {}]]])
    return {"class_name": "Functional", "keras_version": "2.15.0", "backend": "tensorflow",
            "config": {"name": "model", "layers": [input_layer, d1, d2],
                       "input_layers": [["input_1", 0, 0]],
                       "output_layers": [["dense_1", 0, 0]]}}


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu"),
                             keras.layers.Dense(1)])


def test_load_tf2_weights_file(tmp_path):
    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w") as f:
        _write_tf_weights(f)
    model = _model()
    model.load_weights(path)
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected(), rtol=1e-5)


def test_tf2_weights_shape_mismatch(tmp_path):
    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w") as f:
        _write_tf_weights(f)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4),
                              keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"dense.*\(3, 4\).*\(3, 2\)"):
        model.load_weights(path)


def test_load_tf2_model_h5(tmp_path):
    path = str(tmp_path / "model.h5")
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(_tf2_functional_config()).encode()
        f.attrs["keras_version"] = b"2.15.0"
        _write_tf_weights(f.create_group("model_weights"))
    model = saving.load_model(path)
    assert [l.name for l in model.layers] == ["input_1", "dense", "dense_1"]
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected(), rtol=1e-5)


def test_weights_only_h5_is_not_a_model(tmp_path):
    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w") as f:
        _write_tf_weights(f)
    with pytest.raises(ValueError, match="load_weights"):
        saving.load_model(path)
