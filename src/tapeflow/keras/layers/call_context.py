"""Per-thread state of nested layer calls: the training flag, symbolic tracing, masks.

A layer's `__call__` pushes a frame; inner layers read the training value of
the enclosing call. Masks ride along with tensors in a side table keyed by
the tensor's identity (Tensors have fixed slots, so no attribute is set).
"""
import threading
import weakref

__all__ = ["frames", "current", "Frame", "set_mask", "get_mask"]


class Frame:
    __slots__ = ("layer", "training", "symbolic")

    def __init__(self, layer, training, symbolic):
        self.layer, self.training, self.symbolic = layer, training, symbolic


class _Stack(threading.local):
    def __init__(self):
        self.frames = []


_STACK = _Stack()


def frames():
    return _STACK.frames


def current():
    f = _STACK.frames
    return f[-1] if f else None


_MASKS = {}


def _forget(key):
    def cb(_):
        _MASKS.pop(key, None)
    return cb


def set_mask(tensor, mask):
    """Attaches `mask` to `tensor` (KerasTensors keep it as `_keras_mask`)."""
    if tensor is None:
        return
    if hasattr(tensor, "_keras_history"):
        tensor._keras_mask = mask
        return
    key = id(tensor)
    if mask is None:
        _MASKS.pop(key, None)
        return
    try:
        ref = weakref.ref(tensor, _forget(key))
    except TypeError:
        return
    _MASKS[key] = (ref, mask)


def get_mask(tensor):
    """The mask attached to `tensor`, or None."""
    if hasattr(tensor, "_keras_history"):
        return tensor._keras_mask
    entry = _MASKS.get(id(tensor))
    if entry is not None and entry[0]() is tensor:
        return entry[1]
    return None
