"""Weights in TF's checkpoint format: `model.save_weights("ckpt")` / `load_weights("ckpt")`.

The model is the root of the object graph, so keys read
`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE` (and `optimizer/...` for a
compiled model), exactly as tf.keras 2.x writes them; TensorFlow loads these files
with `load_weights` and tapeflow loads TensorFlow's. Loading returns the restore
status; values of layers not built yet are restored when they are built.

>>> import os, tempfile
>>> from tapeflow import keras
>>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> p = os.path.join(tempfile.mkdtemp(), "w"); m.save_weights(p)
>>> is_checkpoint(p)
True
"""
import os

from ...train import checkpoint, checkpoint_management
from ...train.tensor_bundle import index_path

__all__ = ["save_weights", "load_weights", "is_checkpoint"]


def is_checkpoint(filepath):
    """True when `filepath` is a TF checkpoint prefix (or a directory holding one)."""
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        return checkpoint_management.latest_checkpoint(filepath) is not None
    return os.path.exists(index_path(filepath)) or filepath.endswith(".index") and \
        os.path.exists(filepath)


def save_weights(model, filepath, overwrite=True):
    """Writes `model`'s object graph (optimizer included) at the prefix `filepath`."""
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(index_path(filepath)):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    checkpoint.save_object(model, filepath)
    checkpoint_management.update_checkpoint_state(
        os.path.dirname(os.path.abspath(filepath)), filepath)


def load_weights(model, filepath):
    """Restores `model` from a TF checkpoint; returns the status object."""
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        filepath = checkpoint_management.latest_checkpoint(filepath)
    return checkpoint.restore_object(model, filepath)
