"""Weights files in Keras 3's HDF5 layout, matched by structure, written atomically.

A model's variables live at object paths: `layers/<name>/vars/<i>` where
`<name>` is the snake-cased class name made unique with `_1`, `_2`... in layer
order (Keras 3's container naming), sublayers of a layer nest under their
attribute name, and the optimizer's variables sit at `optimizer/vars/<i>`.

>>> from tapeflow import keras
>>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> [p for p, _, _ in walk_variables(m)]
['layers/dense/vars']
"""
import warnings

import numpy as np

from ...lib.io.atomic import atomic_write  # noqa: F401 - re-exported for keras_archive
from .. import backend
from . import legacy_h5

__all__ = ["walk_variables", "save_weights_to_h5", "load_weights_from_h5", "atomic_write"]


def _is_model(obj):
    return hasattr(obj, "_graph") and hasattr(obj, "compile")


def _container_names(items):
    counts, out = {}, []
    for obj in items:
        base = backend.to_snake_case(type(obj).__name__)
        n = counts.get(base, 0)
        counts[base] = n + 1
        out.append(base if n == 0 else f"{base}_{n}")
    return out


def _children(layer):
    """[(relative path, sublayer)] in tracking order."""
    if _is_model(layer) and layer._graph is not None or hasattr(layer, "_seq_layers"):
        items = [l for l in layer.layers]
        return [(f"layers/{n}", l) for n, l in zip(_container_names(items), items)]
    out, seen = [], set()
    for key, value in layer.__dict__.items():
        if key.startswith("_") and key not in ("_layers", "_seq_layers"):
            continue
        if isinstance(value, (list, tuple)):
            subs = [v for v in value if hasattr(v, "_own_variables")]
            for n, sub in zip(_container_names(subs), subs):
                if id(sub) not in seen:
                    seen.add(id(sub))
                    out.append((f"{key}/{n}", sub))
        elif hasattr(value, "_own_variables") and id(value) not in seen:
            seen.add(id(value))
            out.append((key, value))
    return out


def walk_variables(layer, prefix="", include_empty=False):
    """[(path of the `vars` group, [variables], layer)] for layers holding variables.

    With `include_empty`, layers without variables are listed too (Keras 3 writes
    an empty `vars` group for each of them).
    """
    out = []
    own = list(layer._own_variables())
    if own or include_empty:
        out.append((_join(prefix, "vars"), own, layer))
    for rel, sub in _children(layer):
        out.extend(walk_variables(sub, _join(prefix, rel), include_empty))
    return out


def _join(a, b):
    return f"{a}/{b}" if a else b


def write_store(h5file, model, optimizer=None):
    """Writes the model's (and optimizer's) variables into an open h5py File."""
    for path, variables, _ in walk_variables(model, include_empty=True):
        group = h5file.require_group(path)
        for i, v in enumerate(variables):
            group.create_dataset(str(i), data=np.asarray(v.numpy()))
    if optimizer is not None and optimizer.variables:
        group = h5file.require_group("optimizer/vars")
        for i, value in enumerate(_keras3_optimizer_values(optimizer)):
            group.create_dataset(str(i), data=value)


def _keras3_optimizer_values(optimizer):
    """iterations, learning_rate, then the slots: Keras 3's optimizer variable order."""
    values = [np.asarray(v.numpy()) for v in optimizer.variables]
    lr = np.asarray(float(optimizer.learning_rate), dtype="float32")
    return values[:1] + [lr] + values[1:]


def _layer_label(layer, path):
    return f"layer '{getattr(layer, 'name', path)}' (path {path})"


def read_store(h5file, model, skip_mismatch=False):
    """Assigns the variables stored in an open h5py File to `model`, checked first."""
    pending = []
    for path, variables, layer in walk_variables(model):
        if path not in h5file:
            raise ValueError(f"The weights file has no entry for {_layer_label(layer, path)}; "
                             f"stored top-level groups: {sorted(h5file.keys())}.")
        group = h5file[path]
        if len(group) != len(variables):
            msg = (f"Layer '{layer.name}' expected {len(variables)} variables, but received "
                   f"{len(group)} variables during loading (path {path}).")
            if skip_mismatch:
                warnings.warn("Skipping: " + msg)
                continue
            raise ValueError(msg)
        values = [group[str(i)][()] for i in range(len(variables))]
        bad = [(v, x) for v, x in zip(variables, values) if tuple(v.shape) != x.shape]
        if bad:
            v, x = bad[0]
            msg = (f"Shape mismatch in {_layer_label(layer, path)} for weight {v.name}: "
                   f"the model has shape {tuple(v.shape)} but the file has shape "
                   f"{x.shape}.")
            if skip_mismatch:
                warnings.warn("Skipping: " + msg)
                continue
            raise ValueError(msg)
        pending.extend(zip(variables, values))
    for v, x in pending:
        v.assign(x.astype(np.dtype(v.dtype.name)) if hasattr(v.dtype, "name") else x)


def read_optimizer(h5file, optimizer, var_list):
    """Restores optimizer variables (building its slots for `var_list` first)."""
    if "optimizer/vars" not in h5file:
        return False
    if not getattr(optimizer, "_built", False):
        optimizer.build(var_list)
    group = h5file["optimizer/vars"]
    if len(group) != len(optimizer.variables) + 1:
        warnings.warn(f"Skipping loading optimizer state: the optimizer has "
                      f"{len(optimizer.variables) + 1} variables (learning rate included), "
                      f"the file {len(group)}.")
        return False
    values = [group[str(i)][()] for i in range(len(group))]
    for v, x in zip(optimizer.variables, values[:1] + values[2:]):
        v.assign(np.asarray(x).astype(v.dtype.name))
    lr = getattr(optimizer, "_learning_rate", None)
    if hasattr(lr, "assign"):  # a plain learning rate (schedules are rebuilt from config)
        lr.assign(np.asarray(values[1]).astype(lr.dtype.name))
    return True


def save_weights_to_h5(model, filepath):
    """Writes `model`'s variables to `filepath` (a `.weights.h5` file), atomically."""
    import h5py

    def write(tmp):
        with h5py.File(tmp, "w") as f:
            write_store(f, model)
    atomic_write(filepath, write)


def _open_h5(filepath):
    import h5py
    try:
        return h5py.File(filepath, "r")
    except OSError as e:
        raise ValueError(f"Could not read the weights file {filepath!r}: it is not a valid "
                         f"HDF5 file (truncated or corrupt?). ({e})") from None


def load_weights_from_h5(model, filepath, skip_mismatch=False):
    """Loads a `.weights.h5` file (Keras 3 layout, or TF 2 tf.keras layout)."""
    with _open_h5(filepath) as f:
        if legacy_h5.is_legacy(f):
            legacy_h5.load_legacy_weights(f, model, skip_mismatch)
        else:
            read_store(f, model, skip_mismatch)
