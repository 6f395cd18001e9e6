"""tf.train.CheckpointManager and tf.train.latest_checkpoint.

>>> import tempfile, tapeflow as tf
>>> from tapeflow.train import Checkpoint
>>> d = tempfile.mkdtemp(); m = CheckpointManager(Checkpoint(v=tf.Variable(1.0)), d, 2)
>>> for _ in range(3): _ = m.save()
>>> [p.rsplit("-", 1)[1] for p in m.checkpoints]
['2', '3']
"""
import json
import os

from .checkpoint import _SUFFIX

__all__ = ["CheckpointManager", "latest_checkpoint"]

_INDEX = "checkpoint"


def _read_index(directory):
    path = os.path.join(directory, _INDEX)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        try:
            names = json.load(f)["all_model_checkpoint_paths"]
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"The checkpoint index {path!r} is corrupt.") from None
    return [os.path.join(directory, n) for n in names]


def _write_index(directory, prefixes):
    from ..keras.saving.h5_weights import atomic_write
    names = [os.path.basename(p) for p in prefixes]
    body = json.dumps({"model_checkpoint_path": names[-1] if names else None,
                       "all_model_checkpoint_paths": names})

    def write(tmp):
        with open(tmp, "w") as f:
            f.write(body)
    atomic_write(os.path.join(directory, _INDEX), write)


def latest_checkpoint(checkpoint_dir):
    """The newest prefix recorded in `checkpoint_dir`, or None."""
    prefixes = [p for p in _read_index(checkpoint_dir) if os.path.exists(p + _SUFFIX)]
    return prefixes[-1] if prefixes else None


class CheckpointManager:
    """Saves numbered checkpoints into `directory`, keeping the newest `max_to_keep`."""

    def __init__(self, checkpoint, directory, max_to_keep, checkpoint_name="ckpt",
                 step_counter=None, checkpoint_interval=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"max_to_keep must be positive or None. Received: "
                             f"max_to_keep={max_to_keep}")
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self.max_to_keep = max_to_keep
        self._prefix = os.path.join(self.directory, checkpoint_name)
        os.makedirs(self.directory, exist_ok=True)
        self._kept = [p for p in _read_index(self.directory) if os.path.exists(p + _SUFFIX)]

    @property
    def checkpoints(self):
        """Kept checkpoint prefixes, oldest first."""
        return list(self._kept)

    @property
    def latest_checkpoint(self):
        return self._kept[-1] if self._kept else None

    def save(self, checkpoint_number=None):
        """Saves a new checkpoint, deletes those beyond `max_to_keep`; returns its prefix."""
        ckpt = self._checkpoint
        if checkpoint_number is None:
            ckpt.save_counter.assign_add(1)
            checkpoint_number = int(ckpt.save_counter.numpy())
        path = ckpt.write(f"{self._prefix}-{int(checkpoint_number)}")
        self._kept = [p for p in self._kept if p != path] + [path]
        while self.max_to_keep is not None and len(self._kept) > self.max_to_keep:
            old = self._kept.pop(0)
            if os.path.exists(old + _SUFFIX):
                os.remove(old + _SUFFIX)
        _write_index(self.directory, self._kept)
        return path

    def restore_or_initialize(self):
        """Restores the latest checkpoint if there is one; returns its path or None."""
        if self.latest_checkpoint is None:
            return None
        self._checkpoint.restore(self.latest_checkpoint)
        return self.latest_checkpoint
