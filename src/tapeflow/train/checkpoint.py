"""tf.train.Checkpoint: saves and restores the variables of models, optimizers, variables.

File format (tapeflow's own, not TF's): `save("dir/ckpt")` writes
`dir/ckpt-<n>.npz`, a NumPy archive whose keys are object paths such as
`model/layers/dense/vars/0`, `optimizer/vars/3` or `step` (one array per
variable, in each object's variable order), and returns the prefix `dir/ckpt-<n>`.
Files are written atomically. `CheckpointManager` also keeps a text index named
`checkpoint` in its directory, listing the kept prefixes (newest last).

>>> import os, tempfile, tapeflow as tf
>>> v = tf.Variable(1.0); ckpt = Checkpoint(v=v)
>>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
>>> _ = v.assign(5.0); _ = ckpt.restore(path); float(v.numpy())
1.0
"""
import os

import numpy as np

import tapeflow as tf

__all__ = ["Checkpoint", "CheckpointLoadStatus"]

_SUFFIX = ".npz"


def _is_optimizer(obj):
    return hasattr(obj, "apply_gradients") and hasattr(obj, "variables")


def _entries(obj, prefix):
    """[(key, variable)] for one tracked object."""
    from ..keras.saving import h5_weights
    if isinstance(obj, tf.Variable):
        return [(prefix, obj)]
    if isinstance(obj, Checkpoint):
        return obj._all_entries(prefix + "/")
    if _is_optimizer(obj):
        return [(f"{prefix}/vars/{i}", v) for i, v in enumerate(obj.variables)]
    if hasattr(obj, "_own_variables"):
        return [(f"{prefix}/{path}/{i}", v)
                for path, variables, _ in h5_weights.walk_variables(obj)
                for i, v in enumerate(variables)]
    raise ValueError(f"Checkpoint was expecting a trackable object (a model, layer, "
                     f"optimizer, tf.Variable or Checkpoint). Received: {obj!r}")


class CheckpointLoadStatus:
    """What `restore` matched: `assert_consumed()` fails if anything was left over."""

    def __init__(self, unused_in_file, missing_in_file):
        self.unused_in_file = unused_in_file
        self.missing_in_file = missing_in_file

    def assert_consumed(self):
        if self.unused_in_file or self.missing_in_file:
            raise AssertionError("Unresolved objects in the checkpoint: "
                                 f"{sorted(self.unused_in_file)}; objects without saved "
                                 f"values: {sorted(self.missing_in_file)}")
        return self

    def assert_existing_objects_matched(self):
        if self.missing_in_file:
            raise AssertionError(f"Objects without saved values: {sorted(self.missing_in_file)}")
        return self

    def expect_partial(self):
        return self


class Checkpoint:
    """Groups trackable objects (keyword arguments) to save and restore together."""

    def __init__(self, root=None, **kwargs):
        if root is not None:
            kwargs["root"] = root
        for key, value in kwargs.items():
            _entries(value, key)  # validates the object type early
        self._objects = dict(kwargs)
        self.save_counter = tf.Variable(0, dtype=tf.int64, trainable=False,
                                        name="save_counter")

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    def _all_entries(self, prefix=""):
        out = []
        for key, value in self._objects.items():
            out.extend(_entries(value, prefix + key))
        return out

    def write(self, file_prefix):
        """Writes `file_prefix.npz` (no counter) and returns `file_prefix`."""
        from ..keras.saving.h5_weights import atomic_write
        file_prefix = os.fspath(file_prefix)
        arrays = {k: np.asarray(v.numpy()) for k, v in self._all_entries()}
        arrays["save_counter"] = np.asarray(self.save_counter.numpy())
        os.makedirs(os.path.dirname(os.path.abspath(file_prefix)), exist_ok=True)

        def write(tmp):
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)
        atomic_write(file_prefix + _SUFFIX, write)
        return file_prefix

    def save(self, file_prefix):
        """Increments `save_counter` and writes `<file_prefix>-<counter>`; returns that path."""
        self.save_counter.assign_add(1)
        return self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")

    def _build_optimizers(self):
        models = [o for o in self._objects.values() if hasattr(o, "trainable_variables")
                  and not _is_optimizer(o)]
        for obj in self._objects.values():
            if _is_optimizer(obj) and not getattr(obj, "_built", False) and models:
                obj.build([v for m in models for v in m.trainable_variables])

    def read(self, save_path):
        """Restores values from `save_path` (a prefix returned by `save`/`write`)."""
        path = os.fspath(save_path)
        file = path if path.endswith(_SUFFIX) else path + _SUFFIX
        if not os.path.exists(file):
            raise ValueError(f"Could not find a checkpoint at {path!r} (no file {file!r}).")
        try:
            with np.load(file, allow_pickle=False) as data:
                stored = {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError) as e:
            raise ValueError(f"The checkpoint {file!r} is corrupt or truncated: {e}") from None
        self._build_optimizers()
        entries = self._all_entries()
        for key, var in entries:
            if key in stored and tuple(var.shape) != stored[key].shape:
                raise ValueError(f"Checkpoint value for {key!r} has shape "
                                 f"{stored[key].shape}, but the object has shape "
                                 f"{tuple(var.shape)}.")
        for key, var in entries:
            if key in stored:
                var.assign(stored[key])
        if "save_counter" in stored:
            self.save_counter.assign(stored["save_counter"])
        keys = {k for k, _ in entries}
        return CheckpointLoadStatus(set(stored) - keys - {"save_counter"},
                                    keys - set(stored))

    restore = read
