"""The status objects `Checkpoint.restore` returns, and the matching they perform.

`CheckpointLoadStatus` pairs the saved object graph with the live objects by
child names (breadth first from the root), restores the values of the matched
objects (all checked, then all assigned) and remembers the saved objects still
unmatched: they are restored later, when the live object creates them.

>>> InitializationOnlyStatus().expect_partial() is not None
True
"""
import weakref

import numpy as np

from ..framework.variables import Variable
from . import trackable_graph as tg

__all__ = ["CheckpointLoadStatus", "InitializationOnlyStatus"]


def _np_dtype(var):
    return np.dtype(var.dtype.as_numpy_dtype)


class CheckpointLoadStatus:
    """What one `restore` matched; the assertions raise AssertionError like TF's."""

    def __init__(self, root, reader, saved, save_path):
        try:
            self._root = weakref.ref(root)
        except TypeError:
            self._root = lambda: root
        self._reader, self._saved, self.save_path = reader, saved, save_path
        self._restored = set()  # saved node ids whose values were restored
        self._matched = {}  # saved node id -> live object (last matching)
        self._valued = {i for i, n in enumerate(saved) if n.attributes}

    # -- matching and restoring --------------------------------------------
    def _match(self):
        root = self._root()
        pairs, queue = {0: root}, [0]
        while queue:
            sid = queue.pop(0)
            live = {}
            for name, child in tg.children(pairs[sid]):
                live.setdefault(name, child)
            for name, cid in self._saved[sid].children.items():
                if name in live and cid not in pairs and cid < len(self._saved):
                    pairs[cid] = live[name]
                    queue.append(cid)
        self._matched = pairs
        return pairs

    def _has_pending(self):
        return bool(self._valued - self._restored)

    def _restore_matched(self):
        pairs = self._match()
        assigns, calls = [], []
        for sid, obj in pairs.items():
            node = self._saved[sid]
            if sid in self._restored or not node.attributes:
                continue
            if isinstance(obj, Variable):
                key = node.attributes.get(tg.VARIABLE_VALUE)
                if key is None:
                    continue
                assigns.append((sid, obj, key, self._value(key, obj)))
            elif hasattr(obj, "_restore_from_tensors"):
                wanted = set(tg.serialized_tensors(obj))
                if wanted and wanted <= set(node.attributes):
                    calls.append((sid, obj, {a: self._reader.get_tensor(node.attributes[a])
                                             for a in wanted}))
        for sid, var, _, value in assigns:
            var.assign(value)
            self._restored.add(sid)
        for sid, obj, values in calls:
            obj._restore_from_tensors(values)
            self._restored.add(sid)

    def _value(self, key, var):
        value = self._reader.get_tensor(key)
        path = key.split("/.ATTRIBUTES/")[0]
        if tuple(value.shape) != tuple(var.shape):
            raise ValueError(f"Received incompatible tensor with shape {tuple(value.shape)} "
                             f"when attempting to restore variable with shape "
                             f"{tuple(var.shape)} and name {var.name} (checkpoint path "
                             f"{path!r}, file {self.save_path!r}).")
        want = _np_dtype(var)
        if value.dtype != want:
            raise ValueError(f"Received a tensor of dtype {value.dtype.name} when attempting "
                             f"to restore variable {var.name} of dtype {want.name} "
                             f"(checkpoint path {path!r}, file {self.save_path!r}).")
        return value

    # -- TF's status API -----------------------------------------------------
    def _unmatched_live(self):
        root = self._root()
        live = tg.build_graph(root) if root is not None else []
        matched = {id(o) for o in self._match().values()}
        restored = {id(self._matched[s]) for s in self._restored if s in self._matched}
        out = []
        for node in live:
            if node.attributes and (id(node.obj) not in matched or id(node.obj) not in
                                    restored):
                out.append("/".join(node.path) or "(root)")
        return out

    def assert_consumed(self):
        """Every saved value was restored and every live object got a value."""
        missing = sorted(self._valued - self._restored)
        if missing:
            raise AssertionError(f"Unresolved object in checkpoint {self.save_path!r}: "
                                 f"{len(missing)} saved objects were not matched to Python "
                                 f"objects (saved node ids {missing[:10]}).")
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self):
        """Every live object holding values has been matched and restored."""
        unmatched = self._unmatched_live()
        if unmatched:
            raise AssertionError(f"Some Python objects were not bound to checkpointed "
                                 f"values, likely due to changes in the Python program: "
                                 f"{unmatched[:10]} (checkpoint {self.save_path!r}).")
        return self

    def assert_nontrivial_match(self):
        """At least one value other than the object graph was restored."""
        if not self._restored:
            raise AssertionError(f"Nothing was restored from {self.save_path!r}: no live "
                                 "object matched the checkpoint.")
        return self

    def expect_partial(self):
        """Marks a partial restore as intended (TF then stops warning about unrestored values;
        tapeflow does not warn), returning the status."""
        return self

    def run_restore_ops(self, session=None):
        """Eager execution restores immediately; nothing to run."""
        return None

    def initialize_or_restore(self, session=None):
        return None


class InitializationOnlyStatus:
    """Returned by `restore(None)`: nothing is restored; variables keep their values."""

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def assert_existing_objects_matched(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def assert_nontrivial_match(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None

    def initialize_or_restore(self, session=None):
        return None
