"""The `.keras` zip archive: config.json, metadata.json and model.weights.h5.

config.json is `serialize_keras_object(model)` plus `build_config` and
`compile_config`; model.weights.h5 uses `h5_weights`' Keras 3 object paths,
optimizer variables included. Loading never executes archive content (lambdas
need `safe_mode=False`); a bad zip or missing member raises a clear ValueError.
"""
import datetime
import io
import json
import zipfile

from . import h5_weights, serialization as ser

__all__ = ["save_archive", "load_archive"]

_CONFIG, _META, _WEIGHTS = "config.json", "metadata.json", "model.weights.h5"


def _build_config(model):
    shape = getattr(model, "_build_input_shape", None)
    if shape is None:
        return None
    return {"input_shape": ser.encode_value(shape)}


def model_config(model):
    """config.json's content for `model`."""
    config = ser.serialize_keras_object(model)
    if config["class_name"] == "Sequential":
        config["module"] = "keras"
        config["config"]["layers"] = [ser.serialize_keras_object(l) for l in model.layers]
    config["build_config"] = _build_config(model)
    config["compile_config"] = model.get_compile_config()
    return config


def _weights_bytes(model, include_optimizer=True):
    import h5py
    buf = io.BytesIO()
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None
    with h5py.File(buf, "w") as f:
        h5_weights.write_store(f, model, optimizer)
    return buf.getvalue()


def save_archive(model, filepath, include_optimizer=True):
    """Writes `filepath` (a `.keras` zip) atomically."""
    config = json.dumps(model_config(model))
    meta = json.dumps({"keras_version": "3.0.0", "producer": "tapeflow",
                       "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = _weights_bytes(model, include_optimizer)

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr(_META, meta)
            zf.writestr(_CONFIG, config)
            zf.writestr(_WEIGHTS, weights)
    h5_weights.atomic_write(filepath, write)


def _read_members(filepath):
    try:
        with zipfile.ZipFile(filepath, "r") as zf:
            names = set(zf.namelist())
            missing = [n for n in (_CONFIG, _WEIGHTS) if n not in names]
            if missing:
                raise ValueError(f"The archive {filepath!r} is not a valid .keras file: it "
                                 f"lacks {missing}.")
            return json.loads(zf.read(_CONFIG)), zf.read(_WEIGHTS)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as e:
        raise ValueError(f"The file {filepath!r} is not a valid .keras archive (corrupt or "
                         f"truncated zip): {e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"The archive {filepath!r} has an unreadable config.json: {e}") \
            from None


def _build(model, build_config):
    if build_config and not model.built or build_config and model._graph is None and \
            not model.weights:
        shape = build_config["input_shape"]
        model.build(tuple(shape) if shape and not isinstance(shape[0], list) else shape)


def load_archive(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds, builds, fills and (optionally) compiles the model saved in `filepath`."""
    import h5py
    config, weights = _read_members(filepath)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"The archive {filepath!r} has a config.json without a class_name.")
    with ser.safe_mode_scope(safe_mode):
        model = ser.deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
        _build(model, config.get("build_config"))
        compile_config = config.get("compile_config")
        if compile and compile_config:
            compile_from_config(model, compile_config, custom_objects)
    try:
        store = h5py.File(io.BytesIO(weights), "r")
    except OSError as e:
        raise ValueError(f"The archive {filepath!r} holds a corrupt model.weights.h5: {e}") \
            from None
    with store:
        h5_weights.read_store(store, model)
        if compile and compile_config and getattr(model, "optimizer", None) is not None:
            h5_weights.read_optimizer(store, model.optimizer, model.trainable_variables)
    return model


def compile_config_of(optimizer, loss=None, metrics=None, loss_weights=None,
                      weighted_metrics=None, run_eagerly=None, steps_per_execution=None,
                      jit_compile=None, **_):
    """The JSON-ready `compile_config` recorded when `model.compile(...)` runs."""
    opt = ser.serialize_keras_object(optimizer)
    for key in ("jit_compile", "is_legacy_optimizer"):  # unknown to Keras 3 optimizers
        opt["config"].pop(key, None)
    config = {"optimizer": opt, "loss": loss, "loss_weights": loss_weights,
              "metrics": metrics, "weighted_metrics": weighted_metrics,
              "run_eagerly": bool(run_eagerly), "steps_per_execution":
              int(steps_per_execution or 1)}
    if jit_compile is not None:
        config["jit_compile"] = jit_compile
    return ser.encode_value(config)


def _deser(value, custom_objects):
    if isinstance(value, dict) and "class_name" in value:
        return ser.deserialize_keras_object(value, custom_objects, ser.in_safe_mode())
    if isinstance(value, list):
        return [_deser(v, custom_objects) for v in value]
    if isinstance(value, dict):
        return {k: _deser(v, custom_objects) for k, v in value.items()}
    return value


def compile_from_config(model, config, custom_objects=None):
    """Calls `model.compile` with the objects a `compile_config` describes."""
    kwargs = {k: _deser(v, custom_objects) for k, v in config.items()}
    model.compile(**kwargs)
