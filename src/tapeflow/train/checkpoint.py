"""tf.train.Checkpoint in TF's own checkpoint format (readable by TensorFlow, and back).

`save("dir/ckpt")` writes `dir/ckpt-<n>.index` + `dir/ckpt-<n>.data-00000-of-00001`
(a tensor bundle, see tensor_bundle.py) holding every value of the object graph
(trackable_graph.py) under TF's keys such as `model/layer_with_weights-0/kernel/
.ATTRIBUTES/VARIABLE_VALUE`, plus the graph itself under `_CHECKPOINTABLE_OBJECT_GRAPH`,
and records the prefix in the `checkpoint` state file of `dir`.

`restore` matches the saved graph with the live objects by child names, as TF
does: values whose object does not exist yet (a layer not built, optimizer slots
not created) are restored when that object creates its variables (deferred
restoration). Every value of one restore is checked (shape, dtype) before any is
assigned, so a failing restore changes nothing.

>>> import os, tempfile, tapeflow as tf
>>> v = tf.Variable(1.0); ckpt = Checkpoint(v=v)
>>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
>>> _ = v.assign(5.0); _ = ckpt.restore(path); float(v.numpy())
1.0
"""
import os

import numpy as np

from ..framework import dtypes
from ..framework.variables import Variable
from . import trackable_graph as tg
from .restore_status import CheckpointLoadStatus, InitializationOnlyStatus
from .tensor_bundle import BundleReader, index_path, write_bundle
from .checkpoint_management import latest_checkpoint, update_checkpoint_state

__all__ = ["Checkpoint", "CheckpointLoadStatus", "save_object", "restore_object"]


class Checkpoint:
    """Groups trackable objects (keyword arguments) to save and restore together.

    Attributes set later (`ckpt.step = tf.Variable(0)`) are tracked too.
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_objects", {})
        if root is not None:
            kwargs["root"] = root
        for key, value in kwargs.items():
            setattr(self, key, value)
        object.__setattr__(self, "_save_counter", None)

    def __setattr__(self, name, value):
        if not name.startswith("_"):
            if not tg.is_trackable(value):
                raise ValueError(f"`Checkpoint` was expecting a trackable object (an object "
                                 f"derived from `Trackable`), got {value!r}. If you believe "
                                 "this object should be trackable (i.e. it is part of the "
                                 "TensorFlow Python API and manages state), please open an "
                                 "issue.")
            self._objects[name] = value
        object.__setattr__(self, name, value)

    @property
    def save_counter(self):
        """An int64 Variable counting `save` calls (created on first use, as in TF)."""
        if self._save_counter is None:
            object.__setattr__(self, "_save_counter", Variable(
                0, dtype=dtypes.int64, trainable=False, name="save_counter"))
        return self._save_counter

    def _checkpoint_children(self):
        out = [(k, self._objects[k]) for k in sorted(self._objects)]
        return out + [("save_counter", self.save_counter)]

    def write(self, file_prefix, options=None):
        """Writes a checkpoint at `file_prefix` (no counter, no state file); returns it."""
        file_prefix = os.fspath(file_prefix)
        save_object(self, file_prefix)
        return file_prefix

    def save(self, file_prefix, options=None):
        """Increments `save_counter`, writes `<file_prefix>-<counter>`, returns that path.

        The prefix is also recorded in the `checkpoint` state file of its directory,
        so `tf.train.latest_checkpoint` finds it.
        """
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")
        update_checkpoint_state(os.path.dirname(os.path.abspath(path)), path)
        return path

    def read(self, save_path, options=None):
        """Restores from `save_path` (a prefix from `write`/`save`); returns a status."""
        return restore_object(self, save_path)

    def restore(self, save_path, options=None):
        """Restores from `save_path` (or does nothing for None); returns a status object.

        `save_path` may also be a directory holding a `checkpoint` state file.
        """
        if save_path is not None and os.path.isdir(os.fspath(save_path)):
            save_path = latest_checkpoint(save_path) or save_path
        return restore_object(self, save_path)


def save_object(root, file_prefix, exclude=()):
    """Writes `root`'s object graph and values as a TF checkpoint at `file_prefix`
    (leaving out the objects in `exclude`, e.g. a model's optimizer)."""
    file_prefix = os.fspath(file_prefix)
    nodes = tg.build_graph(root, exclude=[id(o) for o in exclude])
    tensors = {}
    for node in nodes:
        for attr in node.attributes:
            tensors[attr.key] = attr.getter()
    tensors[tg.OBJECT_GRAPH_KEY] = np.array(tg.serialize_graph(nodes), dtype=object)
    directory = os.path.dirname(os.path.abspath(file_prefix))
    os.makedirs(directory, exist_ok=True)
    write_bundle(file_prefix, tensors)


def restore_object(root, save_path):
    """Restores `root` from the checkpoint at `save_path`; returns the status object."""
    if save_path is None:
        return InitializationOnlyStatus()
    save_path = os.fspath(save_path)
    if save_path.endswith(".index"):
        save_path = save_path[:-len(".index")]
    if not os.path.exists(index_path(save_path)):
        raise ValueError(f"Could not find a checkpoint at {save_path!r}: there is no file "
                         f"{index_path(save_path)!r}. Pass a prefix returned by "
                         "`save`/`write` or `tf.train.latest_checkpoint`.")
    reader = BundleReader(save_path)
    if not reader.has_tensor(tg.OBJECT_GRAPH_KEY):
        raise ValueError(f"The checkpoint {save_path!r} has no object graph "
                         f"({tg.OBJECT_GRAPH_KEY}): it is a name-based (TF 1) checkpoint; "
                         "read its values with tf.train.load_checkpoint.")
    try:
        saved = tg.parse_graph(reader.get_tensor(tg.OBJECT_GRAPH_KEY).item())
    except ValueError as e:
        raise ValueError(f"The checkpoint {save_path!r} has a corrupt object graph: {e}") \
            from None
    status = CheckpointLoadStatus(root, reader, saved, save_path)
    status._restore_matched()
    # a new restore of the same root supersedes the deferred values of earlier ones
    _PENDING[:] = [s for s in _PENDING if s._root() is not root]
    if status._has_pending():
        _PENDING.append(status)
    return status


_PENDING = []


def notify_variables_created():
    """Called when layers/optimizers create variables: runs deferred restorations."""
    if not _PENDING:
        return
    for status in list(_PENDING):
        if status._root() is None or not status._has_pending():
            _PENDING.remove(status)
            continue
        status._restore_matched()
