"""CheckpointManager, latest_checkpoint, checkpoints_iterator, and TF's `checkpoint` state file.

The state file is the text proto TF writes (`model_checkpoint_path: "ckpt-3"`,
one `all_model_checkpoint_paths` line per kept checkpoint, relative to the
directory), written atomically after the checkpoint files, so TensorFlow's
`tf.train.latest_checkpoint` reads tapeflow's directories and the other way round.

>>> import tempfile, tapeflow as tf
>>> from tapeflow.train import Checkpoint
>>> d = tempfile.mkdtemp(); m = CheckpointManager(Checkpoint(v=tf.Variable(1.0)), d, 2)
>>> for _ in range(3): _ = m.save()
>>> [p.rsplit("-", 1)[1] for p in m.checkpoints]
['2', '3']
"""
import glob
import os
import time

from ..lib.io.atomic import atomic_write
from .tensor_bundle import index_path

__all__ = ["CheckpointManager", "latest_checkpoint", "checkpoints_iterator",
           "get_checkpoint_state", "update_checkpoint_state"]

_STATE = "checkpoint"


class CheckpointState:
    """`model_checkpoint_path` and `all_model_checkpoint_paths` of a state file."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths, timestamps=()):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(timestamps)


def _unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return bytes(text[1:-1], "utf8").decode("unicode_escape")
    return text


def _abs(directory, path):
    return path if os.path.isabs(path) else os.path.join(directory, path)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The parsed `checkpoint` state file of `checkpoint_dir`, or None if absent."""
    path = os.path.join(os.fspath(checkpoint_dir), latest_filename or _STATE)
    if not os.path.exists(path):
        return None
    model, paths, stamps = None, [], []
    with open(path, encoding="utf8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError(f"The checkpoint state file {path!r} is corrupt (line {n}: "
                                 f"{line.strip()!r}).")
            key = key.strip()
            if key == "model_checkpoint_path":
                model = _abs(checkpoint_dir, _unquote(value))
            elif key == "all_model_checkpoint_paths":
                paths.append(_abs(checkpoint_dir, _unquote(value)))
            elif key == "all_model_checkpoint_timestamps":
                stamps.append(float(value))
    if model is None:
        raise ValueError(f"The checkpoint state file {path!r} has no model_checkpoint_path.")
    if not paths or paths[-1] != model:
        paths.append(model)
    return CheckpointState(model, paths, stamps)


def update_checkpoint_state(directory, latest, all_paths=None, timestamps=None):
    """Writes the state file of `directory` (paths stored relative to it)."""
    directory = os.fspath(directory)
    all_paths = [latest] if all_paths is None else list(all_paths)

    def rel(p):
        p = os.path.abspath(p)
        return os.path.relpath(p, directory) if os.path.dirname(p) == \
            os.path.abspath(directory) else p

    lines = [f'model_checkpoint_path: "{rel(latest)}"']
    lines += [f'all_model_checkpoint_paths: "{rel(p)}"' for p in all_paths]
    stamps = list(timestamps or [])
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in stamps]
    if stamps:
        lines.append(f"last_preserved_timestamp: {stamps[0]!r}")
    body = "\n".join(lines) + "\n"

    def write(tmp):
        with open(tmp, "w", encoding="utf8") as f:
            f.write(body)
    atomic_write(os.path.join(directory, _STATE), write)


def _exists(prefix):
    return os.path.exists(index_path(prefix))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The newest checkpoint prefix recorded in `checkpoint_dir`, or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not _exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new latest checkpoint of `checkpoint_dir`, waiting for the next one.

    Stops after `timeout` seconds without a new checkpoint, unless `timeout_fn`
    returns False (then it keeps waiting).
    """
    last = None
    while True:
        deadline = None if timeout is None else time.time() + timeout
        while True:
            path = latest_checkpoint(checkpoint_dir)
            if path is not None and path != last:
                break
            if deadline is not None and time.time() > deadline:
                path = None
                break
            time.sleep(min(1.0, timeout or 1.0))
        if path is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        start = time.time()
        last = path
        yield path
        wait = min_interval_secs - (time.time() - start)
        if wait > 0:
            time.sleep(wait)


def _delete(prefix):
    for path in [index_path(prefix)] + glob.glob(glob.escape(prefix) + ".data-*"):
        if os.path.exists(path):
            os.remove(path)


class CheckpointManager:
    """Saves numbered checkpoints into `directory`, keeping the newest `max_to_keep`."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"max_to_keep must be positive or None. Received: "
                             f"max_to_keep={max_to_keep}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is "
                             "not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._interval = checkpoint_interval
        self._last_step = None
        self._init_fn = init_fn
        os.makedirs(self._directory, exist_ok=True)
        state = get_checkpoint_state(self._directory)
        kept = state.all_model_checkpoint_paths if state is not None else []
        self._kept = [p for p in kept if _exists(p)]

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._interval

    @property
    def checkpoints(self):
        """Kept checkpoint prefixes, oldest first."""
        return list(self._kept)

    @property
    def latest_checkpoint(self):
        return self._kept[-1] if self._kept else None

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Saves a checkpoint, deletes those beyond `max_to_keep`; returns its prefix.

        With a `checkpoint_interval`, returns None (saving nothing) until that many
        steps of `step_counter` passed since the last save.
        """
        if self._interval is not None and check_interval:
            step = int(self._step_counter.numpy())
            if self._last_step is not None and step < self._last_step + self._interval:
                return None
            self._last_step = step
        ckpt = self._checkpoint
        if checkpoint_number is None:
            ckpt.save_counter.assign_add(1)
            checkpoint_number = int(ckpt.save_counter.numpy())
        path = ckpt.write(f"{self._prefix}-{int(checkpoint_number)}")
        self._kept = [p for p in self._kept if p != path] + [path]
        dropped = []
        while self._max_to_keep is not None and len(self._kept) > self._max_to_keep:
            dropped.append(self._kept.pop(0))
        # the state file first: a save killed at any point leaves it naming whole files
        update_checkpoint_state(self._directory, path, self._kept)
        for old in dropped:
            _delete(old)
        return path

    def restore_or_initialize(self):
        """Restores the latest checkpoint (returning its path), else runs `init_fn`."""
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None
