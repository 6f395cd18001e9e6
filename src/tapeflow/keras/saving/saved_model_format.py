"""Keras models as SavedModel directories: `model.save("dir")`, `load_model("dir")`.

The directory is a `tf.saved_model` one (see tapeflow/saved_model/README.md) with
the model as root: `variables/` holds the model's TF-format checkpoint (optimizer
included unless `include_optimizer=False`), the "serving_default" signature runs
the model in inference mode on its inputs (keyed by input layer names, outputs by
output names, as tf.keras 2.x) and `keras_metadata.pb` (a SavedMetadata proto, as
tf.keras writes) carries the root's class name, Keras 2 config, build shape and
training config, from which `load_model` rebuilds and compiles the model before
restoring its variables.

>>> import os, tempfile
>>> from tapeflow import keras
>>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> d = os.path.join(tempfile.mkdtemp(), "m"); m.save(d)
>>> load_keras_saved_model(d).layers[0].units
1
"""
import json
import os

from ...function.tensor_spec import TensorSpec
from ...saved_model import protos
from ...saved_model.save import (DEFAULT_SERVING_SIGNATURE_DEF_KEY, signature_functions,
                                 signature_program, variable_keys, write_saved_model)
from ...train import checkpoint
from . import keras2_h5, keras_archive, serialization as ser
from .legacy_h5 import _compile_from_training_config

__all__ = ["save_keras_saved_model", "load_keras_saved_model"]

_METADATA = "keras_metadata.pb"


def _identifier(model):
    if hasattr(model, "_seq_layers"):
        return "_tf_keras_sequential"
    if getattr(model, "_graph", None) is not None:
        return "_tf_keras_network"
    return "_tf_keras_model"


def _serving_signature(model):
    """(fn, specs, names) of the default signature, or None without known inputs."""
    inputs = getattr(model, "inputs", None) if getattr(model, "_graph", None) is not None \
        else None
    if not inputs:
        return None
    specs = [TensorSpec(x.shape, x.dtype) for x in inputs]
    names = [getattr(getattr(x, "_keras_history", None), "layer", None) for x in inputs]
    names = [l.name if l is not None else f"input_{i}" for i, l in enumerate(names)]
    out_names = list(model.output_names)

    def serve(*args):
        out = model(args[0] if len(args) == 1 else list(args), training=False)
        outs = out if isinstance(out, (list, tuple)) else [out]
        if isinstance(out, dict):
            return dict(out)
        return dict(zip(out_names, outs))
    return serve, specs, names


def _metadata(model, include_optimizer):
    shape = getattr(model, "_build_input_shape", None)
    meta = {"name": model.name, "class_name": type(model).__name__,
            "config": keras2_h5.keras2_model_config(model).get("config"),
            "build_input_shape": ser.encode_value(shape) if shape is not None else None,
            "tapeflow_config": keras_archive.model_config(model),
            "is_graph_network": getattr(model, "_graph", None) is not None}
    if include_optimizer:
        meta["training_config"] = keras2_h5.training_config(model)
    return json.dumps(ser.encode_value(meta))


def save_keras_saved_model(model, export_dir, include_optimizer=True, signatures=None):
    """Writes `model` as a SavedModel directory (atomically replaced)."""
    variables = variable_keys(model)
    programs = {"signatures": {}, "functions": {}}
    if signatures is not None:
        for name, (fn, specs, names) in signature_functions(model, signatures).items():
            programs["signatures"][name] = signature_program(fn, specs, names, variables)
    else:
        serving = _serving_signature(model)
        if serving is not None:
            fn, specs, names = serving
            programs["signatures"][DEFAULT_SERVING_SIGNATURE_DEF_KEY] = \
                signature_program(fn, specs, names, variables)
    optimizer = getattr(model, "optimizer", None)
    exclude = [optimizer] if optimizer is not None and not include_optimizer else []
    extra = {_METADATA: protos.keras_metadata_bytes(
        _identifier(model), _metadata(model, include_optimizer))}
    write_saved_model(model, export_dir, programs, extra, exclude)


def _decode_tf_json(value):
    """tf.keras's metadata JSON writes tuples and TensorShapes as {"class_name": "__tuple__"
    or "TensorShape", "items": [...]}; back to lists."""
    if isinstance(value, dict):
        if value.get("class_name") in ("__tuple__", "TensorShape") and "items" in value:
            return [_decode_tf_json(v) for v in value["items"]]
        return {k: _decode_tf_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_tf_json(v) for v in value]
    return value


def load_keras_saved_model(export_dir, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds the Keras model saved in `export_dir` and restores its variables."""
    path = os.path.join(export_dir, _METADATA)
    if not os.path.exists(path):
        raise ValueError(f"{export_dir!r} holds no {_METADATA}: it is not a Keras model "
                         "SavedModel. Load it with tf.saved_model.load.")
    with open(path, "rb") as f:
        _, raw = protos.parse_keras_metadata(f.read())
    meta = _decode_tf_json(json.loads(raw))
    config = meta.get("tapeflow_config") or {"class_name": meta["class_name"],
                                             "config": meta["config"]}
    with ser.safe_mode_scope(safe_mode):
        model = ser.deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
        keras_archive._build(model, config.get("build_config") or (
            {"input_shape": meta["build_input_shape"]} if meta.get("build_input_shape")
            else None))
    training = meta.get("training_config")
    if compile and training:
        _compile_from_training_config(model, training, custom_objects)
    checkpoint.restore_object(model, os.path.join(export_dir, "variables", "variables"))
    return model
