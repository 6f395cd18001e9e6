"""Writing TF 2 tf.keras whole-model HDF5 files (`model.save("m.h5")`), Keras 2's layout.

Root attributes: `model_config` (Keras 2 JSON: a Sequential's layers start with
its InputLayer, a functional model is `Functional` with inbound nodes written
`[[["dense", 0, 0, {}]]]`), `training_config` (loss, metrics, optimizer config)
for a compiled model, `keras_version`, `backend`. `model_weights/` has
`layer_names` and, per layer, `weight_names` such as `dense/kernel:0` with the
datasets at `model_weights/<layer>/<weight name>`; `optimizer_weights/` holds
the optimizer's variables in order. tf.keras 2.x's `load_model` reads these
files; `legacy_h5` reads them (and TF's) back.

>>> from tapeflow import keras
>>> m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> keras2_model_config(m)["config"]["layers"][0]["class_name"]
'InputLayer'
"""
import json

import numpy as np

from ...lib.io.atomic import atomic_write
from . import serialization as ser
from .keras_archive import model_config

__all__ = ["keras2_model_config", "training_config", "save_keras2_h5"]

_KERAS_VERSION = "2.15.0"
_MODELS = ("Sequential", "Functional", "Model")


def _strip(entry):
    """A layer entry without Keras 3's `module` / `registered_name` / `build_config`."""
    out = {k: v for k, v in entry.items()
           if k not in ("module", "registered_name", "build_config", "compile_config")}
    if out.get("class_name") in _MODELS and isinstance(out.get("config"), dict):
        out = _convert_model_entry(out)
    return out


def _keras_tensors(x, out):
    if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
        out.append(x["config"]["keras_history"])
    elif isinstance(x, dict):
        for v in x.values():
            _keras_tensors(v, out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _keras_tensors(v, out)
    return out


def _keras2_node(node):
    if isinstance(node, list):  # already Keras 2
        return node
    kwargs = {k: v for k, v in (node.get("kwargs") or {}).items() if not _keras_tensors(v, [])}
    return [list(h) + [kwargs] for h in _keras_tensors(node.get("args", []), [])]


def _convert_model_entry(entry):
    config = dict(entry["config"])
    if "inbound_nodes" not in json.dumps(config.get("layers", [])) or \
            entry["class_name"] == "Sequential":
        layers = [_strip(l) for l in config.get("layers", [])]
        shape = config.get("build_input_shape")
        if entry["class_name"] == "Sequential" and shape is not None and \
                (not layers or layers[0]["class_name"] != "InputLayer"):
            dtype = (layers[0]["config"].get("dtype") if layers else None) or "float32"
            layers.insert(0, {"class_name": "InputLayer", "config": {
                "batch_input_shape": list(shape), "dtype": dtype if isinstance(dtype, str)
                else "float32", "sparse": False, "ragged": False,
                "name": f"{config.get('name', 'sequential')}_input"}})
        config["layers"] = layers
        return {"class_name": entry["class_name"], "config": config}
    layers = []
    for layer in config["layers"]:
        new = _strip(layer)
        new["inbound_nodes"] = [_keras2_node(n) for n in layer.get("inbound_nodes", [])]
        layers.append(new)
    config["layers"] = layers
    return {"class_name": "Functional", "config": config}


def keras2_model_config(model):
    """The model's config as tf.keras 2.x writes `model_config`."""
    return _convert_model_entry(_strip(model_config(model)))


def training_config(model):
    """`training_config` of a compiled model (None when it was not compiled)."""
    compiled = model.get_compile_config()
    if not compiled:
        return None
    opt = compiled.get("optimizer") or {}
    name = opt.get("class_name")
    # tf.keras 2.x reads a bare "Adam" in an .h5 file as its legacy optimizer; the
    # "Custom>" prefix (what it writes itself) selects the current one.
    config = dict(opt.get("config", {}), is_legacy_optimizer=False)
    return {"loss": compiled.get("loss"), "metrics": compiled.get("metrics"),
            "weighted_metrics": compiled.get("weighted_metrics"),
            "loss_weights": compiled.get("loss_weights"),
            "optimizer_config": {"class_name": f"Custom>{name}" if name else name,
                                 "config": config}}


def _weight_name(var):
    name = var.name
    return name if name.endswith(":0") else name + ":0"


def _layers_of(model):
    return [l for l in model.layers]


def _write_layer_weights(group, layers):
    group.attrs["layer_names"] = np.array([l.name.encode("utf8") for l in layers])
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = _KERAS_VERSION
    for layer in layers:
        g = group.create_group(layer.name)
        weights = layer.weights
        names = [_weight_name(w) for w in weights]
        values = [np.asarray(w.numpy()) for w in weights]
        for name, value in getattr(layer, "_keras2_h5_extra", list)():  # tf.keras-only weights
            names.append(name)
            values.append(value)
        g.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])
        for name, value in zip(names, values):
            g.create_dataset(name, data=value)
    group.create_group("top_level_model_weights").attrs["weight_names"] = np.array([])


def _write_optimizer(f, optimizer):
    group = f.create_group("optimizer_weights")
    variables = list(optimizer.variables)
    names = []
    for v in variables:
        name = _weight_name(v)
        if v is not optimizer.iterations and not name.startswith(optimizer.name + "/"):
            name = f"{optimizer.name}/{name}"
        names.append(name)
    group.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])
    for name, v in zip(names, variables):
        group.create_dataset(name, data=np.asarray(v.numpy()))


def save_keras2_h5(model, filepath, include_optimizer=True):
    """Writes `model` as a tf.keras 2.x `.h5` model file, atomically."""
    import h5py
    if not hasattr(model, "_seq_layers") and getattr(model, "_graph", None) is None:
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model or "
            "a Sequential model. It does not work for subclassed models, because such models "
            "are defined via the body of a Python method, which isn't safely serializable. "
            "Consider saving to the Tensorflow SavedModel format (by setting "
            "save_format=\"tf\") or using `save_weights`.")
    config = json.dumps(ser.encode_value(keras2_model_config(model)))
    train = training_config(model) if include_optimizer else None
    optimizer = getattr(model, "optimizer", None) if train is not None else None

    def write(tmp):
        with h5py.File(tmp, "w") as f:
            f.attrs["backend"] = "tensorflow"
            f.attrs["keras_version"] = _KERAS_VERSION
            f.attrs["model_config"] = config
            if train is not None:
                f.attrs["training_config"] = json.dumps(ser.encode_value(train))
            _write_layer_weights(f.create_group("model_weights"), _layers_of(model))
            if optimizer is not None and getattr(optimizer, "_built", False):
                _write_optimizer(f, optimizer)
    atomic_write(filepath, write)
