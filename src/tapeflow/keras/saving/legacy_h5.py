"""Reading TF 2 tf.keras HDF5 weights (`model.h5` and `.h5` weights files).

TF's layout: the root (or `model_weights/` in a whole-model file) has an attribute
`layer_names`; each layer's group has `weight_names` such as `dense/kernel:0`,
the datasets living at `<layer>/<weight name>`. Layers holding weights are
matched in order, as tf.keras does when `by_name=False`.

>>> is_legacy({})
False
"""
import json
import warnings

import numpy as np

from . import keras_archive, serialization as ser

__all__ = ["is_legacy", "load_legacy_weights"]


def _root(f):
    return f["model_weights"] if "model_weights" in f else f


def is_legacy(f):
    """True for a file in TF 2 tf.keras's layout (it has `layer_names`)."""
    if not hasattr(f, "attrs"):
        return False
    return "layer_names" in _root(f).attrs


def _text(x):
    return x.decode("utf8") if isinstance(x, bytes) else str(x)


def _stored_layers(root):
    out = []
    for name in root.attrs["layer_names"]:
        group = root[_text(name)]
        weights = [group[_text(w)][()] for w in group.attrs.get("weight_names", [])]
        if weights:
            out.append((_text(name), weights))
    return out


def _model_layers(model):
    layers = model.layers if hasattr(model, "layers") else [model]
    return [l for l in layers if l.weights]


def load_legacy_weights(f, model, skip_mismatch=False):
    """Assigns TF-layout weights to the model's layers, in order; checks shapes first."""
    stored = _stored_layers(_root(f))
    layers = _model_layers(model)
    if len(stored) != len(layers):
        raise ValueError(f"Weight file contains {len(stored)} layers with weights, into a "
                         f"model with {len(layers)} layers with weights.")
    pending = []
    for layer, (name, values) in zip(layers, stored):
        if hasattr(layer, "_from_keras2_h5"):  # tf.keras-only weights (Normalization's count)
            values = layer._from_keras2_h5(values)
        weights = layer.weights
        shapes = [tuple(w.shape) for w in weights]
        if len(values) != len(weights) or any(s != v.shape for s, v in zip(shapes, values)):
            msg = (f"Shape mismatch in layer '{layer.name}' (stored as '{name}'): the model "
                   f"has weight shapes {shapes} but the file has "
                   f"{[v.shape for v in values]}.")
            if skip_mismatch:
                warnings.warn("Skipping: " + msg)
                continue
            raise ValueError(msg)
        pending.extend(zip(weights, values))
    for w, v in pending:
        w.assign(np.asarray(v))


def _model_config(f):
    raw = f.attrs.get("model_config")
    if raw is None:
        raise ValueError("This HDF5 file holds no model config (`model_config` attribute): "
                         "it is a weights file; build the model and use `load_weights`.")
    config = json.loads(_text(raw))
    if config.get("class_name") == "Functional":
        config = dict(config, class_name="Model")
    return config


def load_legacy_model(filepath, custom_objects=None, safe_mode=True, compile=True):
    """Rebuilds a TF 2 tf.keras `model.h5`: config and weights, then (with `compile`)
    `training_config` and the optimizer's variables."""
    import h5py
    try:
        f = h5py.File(filepath, "r")
    except OSError as e:
        raise ValueError(f"Could not read {filepath!r} as an HDF5 model file: {e}") from None
    with f:
        config = _model_config(f)
        model = ser.deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
        load_legacy_weights(f, model)
        raw = f.attrs.get("training_config")
        if compile and raw is not None:
            _compile_from_training_config(model, json.loads(_text(raw)), custom_objects)
            if "optimizer_weights" in f:
                _load_optimizer_weights(f["optimizer_weights"], model)
    return model


def _compile_from_training_config(model, config, custom_objects):
    opt = dict(config.get("optimizer_config") or {})
    if isinstance(opt.get("class_name"), str) and opt["class_name"].startswith("Custom>"):
        opt["class_name"] = opt["class_name"][len("Custom>"):]
    metrics = config.get("metrics")
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        metrics = metrics[0]  # tf.keras nests the metrics of a single output
    metrics = [_metric_name(m) for m in metrics] if isinstance(metrics, list) else metrics
    keras_archive.compile_from_config(model, {
        "optimizer": opt or "rmsprop", "loss": config.get("loss"), "metrics": metrics,
        "weighted_metrics": config.get("weighted_metrics"),
        "loss_weights": config.get("loss_weights")}, custom_objects)


def _metric_name(m):
    """tf.keras writes metrics as MeanMetricWrapper configs; the metric's name remains."""
    if isinstance(m, dict) and m.get("class_name") == "MeanMetricWrapper":
        return m["config"].get("fn") or m["config"].get("name")
    return m


def _load_optimizer_weights(group, model):
    names = [_text(n) for n in group.attrs.get("weight_names", [])]
    values = [np.asarray(group[n][()]) for n in names]
    optimizer = model.optimizer
    if not getattr(optimizer, "_built", False):
        optimizer.build(model.trainable_variables)
    variables = list(optimizer.variables)
    if len(values) != len(variables) or any(tuple(v.shape) != x.shape
                                            for v, x in zip(variables, values)):
        warnings.warn(f"Skipping loading optimizer state: the file holds {len(values)} "
                      f"optimizer variables, the optimizer has {len(variables)}.")
        return
    for v, x in zip(variables, values):
        v.assign(x.astype(v.dtype.as_numpy_dtype))
