"""ModelCheckpoint and BackupAndRestore.

ModelCheckpoint saves through `model.save(...)` / `model.save_weights(...)`;
BackupAndRestore keeps its own backup (model weights, optimizer variables and
the epoch counter, as one .npz) so an interrupted fit resumes where it stopped.

>>> ModelCheckpoint("w-{epoch:02d}-{val_loss:.2f}.h5")._path(4, {"val_loss": 0.1234})
'w-05-0.12.h5'
"""
import logging
import os
import shutil

import numpy as np

from .callback import Callback
from .monitoring import monitor_op_for

__all__ = ["ModelCheckpoint", "BackupAndRestore"]

_log = logging.getLogger("tapeflow")


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) every epoch or `save_freq` batches."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", options=None,
                 initial_value_threshold=None, **kwargs):
        super().__init__()
        self._supports_tf_logs = True
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                             '"epoch" or integer')
        self.save_freq = save_freq
        self.monitor_op = monitor_op_for(mode, monitor, "ModelCheckpoint")
        self.best = initial_value_threshold if initial_value_threshold is not None else (
            np.inf if self.monitor_op == np.less else -np.inf)
        self._batches_seen = 0
        self._epoch = 0  # any path, as tf.keras 2.x: `model.save` picks the format from it

    def _path(self, epoch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, **(logs or {}))
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from e

    def _save(self, epoch, logs):
        logs = {k: float(np.asarray(v)) if np.ndim(np.asarray(v)) == 0 else v
                for k, v in (logs or {}).items()}
        path = self._path(epoch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                _log.warning("Can save best model only with %s available, skipping.",
                             self.monitor)
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        method = "save_weights" if self.save_weights_only else "save"
        fn = getattr(self.model, method, None)
        if fn is None:
            raise AttributeError(f"ModelCheckpoint needs `model.{method}()`, which this model "
                                 "does not provide.")
        fn(path, overwrite=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if isinstance(self.save_freq, int):
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._save(self._epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, logs)

    def _implements(self, mode):
        return mode == "train" and isinstance(self.save_freq, int)


class BackupAndRestore(Callback):
    """Backs up model weights, optimizer state and the epoch; fit resumes from the backup.

    With an integer `save_freq` and a tf.data pipeline, the backup also holds the
    data iterator's position and shuffle state, so a fit interrupted mid-epoch
    resumes with the very batches it had left (bit-identical final weights).
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True,
                 save_before_preemption=False):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {save_freq}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.delete_checkpoint = save_freq, delete_checkpoint
        self._file = os.path.join(self.backup_dir, "backup.npz")
        self._restored_epoch = None
        self._epoch = 0
        self._batches = 0

    def _optimizer_vars(self):
        opt = getattr(self.model, "optimizer", None)
        if opt is None:
            return []
        if not getattr(opt, "_built", True):
            opt.build(self.model.trainable_variables)
        return list(opt.variables)

    def on_train_begin(self, logs=None):
        self._restored_epoch = None
        if not os.path.exists(self._file):
            return
        data = np.load(self._file)
        model_vars = self.model.weights
        opt_vars = self._optimizer_vars()
        for i, v in enumerate(model_vars):
            v.assign(data[f"m{i}"])
        for i, v in enumerate(opt_vars):
            if f"o{i}" in data:
                v.assign(data[f"o{i}"])
        self._restored_epoch = int(data["epoch"])
        fit_data = getattr(self.model, "_fit_data", None)
        if "data_position" in data and hasattr(fit_data, "resume_from"):
            fit_data.resume_from({"ITERATOR_POSITION": data["data_position"],
                                  "SHUFFLE_STATE": data["data_shuffle"]})

    def _backup(self, epoch, data_state=None):
        os.makedirs(self.backup_dir, exist_ok=True)
        arrays = {f"m{i}": v.numpy() for i, v in enumerate(self.model.weights)}
        arrays.update({f"o{i}": v.numpy() for i, v in enumerate(self._optimizer_vars())})
        if data_state is not None:
            arrays["data_position"] = np.asarray(data_state["ITERATOR_POSITION"])
            arrays["data_shuffle"] = np.asarray(data_state["SHUFFLE_STATE"])
        tmp = self._file + ".tmp.npz"
        np.savez(tmp, epoch=np.int64(epoch), **arrays)
        os.replace(tmp, self._file)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if isinstance(self.save_freq, int):
            self._batches += 1
            if self._batches % self.save_freq == 0:
                fit_data = getattr(self.model, "_fit_data", None)
                state = fit_data.position_state() if hasattr(fit_data, "position_state") \
                    else None
                if state is not None and int(state["ITERATOR_POSITION"]) == \
                        fit_data.cardinality():
                    self._backup(self._epoch + 1)  # the epoch is complete
                else:
                    self._backup(self._epoch, state)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._backup(epoch + 1)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir, ignore_errors=True)

    def _implements(self, mode):
        return mode == "train" and isinstance(self.save_freq, int)

