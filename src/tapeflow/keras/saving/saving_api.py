"""save_model / load_model and the Model/Layer methods installed by `keras.saving`.

>>> import os, tempfile
>>> from tapeflow import keras
>>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> p = os.path.join(tempfile.mkdtemp(), "m.keras"); m.save(p)
>>> load_model(p).layers[0].units
1
"""
import json
import os

from . import h5_weights, keras_archive, serialization as ser
from . import keras2_h5, legacy_h5, saved_model_format, tf_format

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "to_json"]


def _path(filepath):
    return os.fspath(filepath)


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None,
               signatures=None, options=None, save_traces=True, **kwargs):
    """Saves `model` as tf.keras 2.x does, the format chosen by the path or `save_format`:
    `.keras` a Keras archive, `.h5`/`.hdf5` (or `save_format="h5"`) a Keras 2 HDF5 model
    file, anything else (or `save_format="tf"`) a SavedModel directory."""
    filepath = _path(filepath)
    if save_format not in (None, "tf", "h5", "keras"):
        raise ValueError(f"Unknown format. Received: `save_format`={save_format!r}. "
                         "Accepted values: 'tf', 'h5', 'keras'.")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    if save_format == "keras" or save_format is None and filepath.endswith(".keras"):
        keras_archive.save_archive(model, filepath, include_optimizer)
    elif save_format == "h5" or save_format is None and filepath.endswith((".h5", ".hdf5")):
        keras2_h5.save_keras2_h5(model, filepath, include_optimizer)
    else:
        saved_model_format.save_keras_saved_model(model, filepath, include_optimizer,
                                                  signatures)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` archive (or a TF 2 tf.keras `.h5` model file).

    A `.keras` archive: the model is rebuilt from config.json, gets its weights and,
    when `compile=True`, its compile config and optimizer state. A `.h5` file: the
    architecture and weights, compiled from its `training_config` (optimizer state
    included) when `compile=True`. A SavedModel directory written by `model.save`:
    the Keras model rebuilt from its Keras metadata and variables.
    """
    filepath = _path(filepath)
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an "
                         "accessible `.keras` zip file.")
    if os.path.isdir(filepath):
        return saved_model_format.load_keras_saved_model(filepath, custom_objects, compile,
                                                         safe_mode)
    if filepath.endswith((".h5", ".hdf5")):
        return legacy_h5.load_legacy_model(filepath, custom_objects, safe_mode, compile)
    return keras_archive.load_archive(filepath, custom_objects, compile, safe_mode)


def _is_h5(filepath, save_format=None):
    if save_format is not None:
        if save_format not in ("h5", "tf", "keras"):
            raise ValueError(f"Unknown format. Received: `save_format`={save_format!r}. "
                             "Accepted values: 'tf', 'h5', 'keras'.")
        return save_format == "h5"
    return filepath.endswith((".h5", ".hdf5", ".keras"))


def save_weights(model, filepath, overwrite=True, save_format=None, options=None, **kwargs):
    """`model.save_weights(path)`: `.h5` (Keras 3 layout) or, without that suffix, a TF
    checkpoint (`path.index` + `path.data-00000-of-00001`, as tf.keras 2.x writes)."""
    filepath = _path(filepath)
    if not _is_h5(filepath, save_format):
        tf_format.save_weights(model, filepath, overwrite)
        return
    if not filepath.endswith((".h5", ".hdf5")):
        raise ValueError("The filename must end in `.weights.h5`. "
                         f"Received: filepath={filepath}")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    h5_weights.save_weights_to_h5(model, filepath)


def load_weights(model, filepath, skip_mismatch=False, by_name=False, **kwargs):
    """`model.load_weights(path)`: `.weights.h5`, TF-layout `.h5`, a `.keras` archive, or a
    TF checkpoint prefix (then it returns the restore status, as tf.keras 2.x does)."""
    filepath = _path(filepath)
    if tf_format.is_checkpoint(filepath):
        return tf_format.load_weights(model, filepath)
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}.")
    if filepath.endswith(".keras"):
        import io
        import h5py
        _, weights = keras_archive._read_members(filepath)
        with h5py.File(io.BytesIO(weights), "r") as f:
            h5_weights.read_store(f, model, skip_mismatch)
        return
    h5_weights.load_weights_from_h5(model, filepath, skip_mismatch)


def to_json(model, **kwargs):
    """The model's config (`serialize_keras_object`) as a JSON string."""
    return json.dumps(ser.serialize_keras_object(model), **kwargs)
