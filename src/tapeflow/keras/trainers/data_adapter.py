"""Turns fit/evaluate/predict inputs into per-step batches.

Accepted inputs: NumPy arrays, tensors, lists/tuples/dicts of them, objects
that iterate batches (tapeflow.data.Dataset, keras Sequence-likes) and
Python generators.

>>> unpack_x_y_sample_weight((1, 2))
(1, 2, None)
"""
import math

import numpy as np

import tapeflow as tf

from ... import nest
from ...ragged import bucketing

__all__ = ["unpack_x_y_sample_weight", "pack_x_y_sample_weight", "ArrayData", "IterData",
           "make_data", "train_validation_split"]


def unpack_x_y_sample_weight(data):
    """(x,), (x, y) or (x, y, sample_weight) -> (x, y, sample_weight)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    if y is None:
        return (x,) if not isinstance(x, (list, tuple)) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array(x):
    return isinstance(x, (np.ndarray, tf.Tensor, tf.Variable)) or (
        hasattr(x, "__array__") and hasattr(x, "shape") and hasattr(x, "dtype"))


def _to_numpy(x):
    if x is None:
        return None
    if isinstance(x, tf.RaggedTensor):  # batched by row slicing, kept ragged (as tf.keras)
        return bucketing.to_host(x)  # sliced on the host: no device gather per layout
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return x.numpy()
    a = np.asarray(x)
    if a.dtype == np.float64:
        a = a.astype(np.float32)  # Keras feeds float64 NumPy data as float32 (floatx)
    return a


def is_array_data(x):
    leaves = nest.flatten(x)
    return bool(leaves) and all(_is_array(v) or isinstance(v, (list, float, int))
                                for v in leaves) and not _is_iterator_like(x)


def _is_iterator_like(x):
    if isinstance(x, (np.ndarray, tf.Tensor, tf.RaggedTensor, list, tuple, dict)):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


def _sizes(struct):
    return [int(v.shape[0]) for v in nest.flatten(struct) if v is not None]


class ArrayData:
    """In-memory arrays sliced into batches, shuffled each epoch when asked."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 steps=None, class_weight=None):
        self.x = nest.map_structure(_to_numpy, x)
        self.y = nest.map_structure(_to_numpy, y) if y is not None else None
        self.sw = nest.map_structure(_to_numpy, sample_weight) if sample_weight is not None \
            else None
        self._check_cardinality()
        self.n = _sizes(self.x)[0] if _sizes(self.x) else 0
        self.batch_size = batch_size or 32
        self.shuffle = shuffle
        self.class_weight = class_weight
        self.steps = steps if steps is not None else max(1, math.ceil(self.n / self.batch_size))

    def _check_cardinality(self):
        parts = [("x", self.x), ("y", self.y), ("sample_weight", self.sw)]
        sizes = {k: _sizes(v) for k, v in parts if v is not None}
        flat = {s for v in sizes.values() for s in v}
        if len(flat) > 1:
            msg = "Data cardinality is ambiguous:\n"
            for k, v in sizes.items():
                msg += f"  {k} sizes: {', '.join(str(s) for s in v)}\n"
            msg += "Make sure all arrays contain the same number of samples."
            raise ValueError(msg)

    def cardinality(self):
        return self.steps

    def epoch_batches(self, group=1):
        """Yields (x, y, sw) NumPy batches for one epoch.

        Rows are gathered `group` batches at a time (one fancy index per group, so a
        shuffled epoch never holds a second copy of the data); the batches of a group
        are consecutive views of that one block, which lets steps_per_execution feed
        them to the compiled loop without another copy.
        """
        bs, cw = self.batch_size, self.class_weight
        if self.shuffle == "batch":
            spans, order = [(int(b), 1) for b in np.random.permutation(self.steps)], None
        else:
            order = np.random.permutation(self.n) if self.shuffle else None
            spans = [(b, min(group, self.steps - b)) for b in range(0, self.steps, group)]
        for b0, count in spans:
            lo = b0 * bs
            if lo >= self.n:
                return
            hi = min(lo + count * bs, self.n)
            rows = slice(lo, hi) if order is None else order[lo:hi]
            block = [_map(lambda a: a[rows], s) for s in (self.x, self.y, self.sw)]
            for j in range(0, hi - lo, bs):
                sl = slice(j, j + bs)
                batch = tuple(_map(lambda a: a[sl], s) for s in block)
                yield apply_class_weight(*batch, cw) if cw else batch


def _map(fn, struct):
    """map_structure with a fast path for a single array (the common case)."""
    if struct is None:
        return None
    if isinstance(struct, np.ndarray):
        return fn(struct)
    return nest.map_structure(fn, struct)


def apply_class_weight(x, y, sw, class_weight):
    if not class_weight or y is None:
        return x, y, sw
    if isinstance(y, (dict, list, tuple)) and len(nest.flatten(y)) > 1:
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    yv = np.asarray(nest.flatten(y)[0])
    labels = yv.argmax(-1) if yv.ndim > 1 and yv.shape[-1] > 1 else yv.reshape(len(yv), -1)[:, 0]
    w = np.array([class_weight.get(int(c), 1.0) for c in labels], np.float32)
    sw = w if sw is None else np.asarray(sw, np.float32) * w
    return x, y, sw


class IterData:
    """Batches pulled from an iterable (Dataset, Sequence) or a generator."""

    def __init__(self, data, steps=None, class_weight=None):
        self.data = data
        self.steps = steps
        self.class_weight = class_weight
        self._gen = None
        self._known = self._cardinality()
        self._iter = None  # the epoch's dataset iterator (its position is checkpointable)
        self._resume = None  # iterator state to restore on the next epoch's start

    def position_state(self):
        """The current epoch's iterator state (the checkpoint protocol's tensors), or None
        when the data is not a tf.data pipeline."""
        save = getattr(self._iter, "_serialize_to_tensors", None)
        return None if save is None else save()

    def resume_from(self, state):
        """Makes the next epoch continue where an iterator with `state` stopped."""
        self._resume = state

    def _cardinality(self):
        if self.steps is not None:
            return self.steps
        card = getattr(self.data, "cardinality", None)
        if callable(card):
            try:
                n = int(card())
                return n if n >= 0 else None
            except (TypeError, ValueError):
                return None
        if hasattr(self.data, "__len__") and (not hasattr(self.data, "__next__") or
                                              _indexable(self.data)):
            return len(self.data)
        return None

    def cardinality(self):
        return self._known

    def epoch_batches(self):
        is_gen = hasattr(self.data, "__next__") and not _indexable(self.data)
        if _indexable(self.data) and hasattr(self.data, "__next__"):
            # a Sequence that is also an iterator (ImageDataGenerator's): one pass by index
            it = _index_pass(self.data)
        elif is_gen:
            it = self.data
        elif self.steps is not None and self._gen is not None:
            it = self._gen
        else:
            it = iter(self.data)
            self._gen = it
            if self._resume is not None and hasattr(it, "_restore_from_tensors"):
                it._restore_from_tensors(self._resume)
            self._resume = None
        self._iter = it
        count = 0
        while self.steps is None or count < self.steps:
            try:
                item = next(it)
            except StopIteration:
                if self.steps is not None and not is_gen:
                    it = self._gen = iter(self.data)
                    if count == 0:
                        return
                    continue
                break
            x, y, sw = unpack_x_y_sample_weight(item)
            count += 1
            yield apply_class_weight(x, y, sw, self.class_weight) if self.class_weight else \
                (x, y, sw)
        if self._known is None and count:
            self._known = count


def _indexable(data):
    """A keras Sequence-like: batches by index, `len` batches per epoch."""
    return hasattr(data, "__getitem__") and hasattr(data, "__len__") and \
        not isinstance(data, (list, tuple, dict, np.ndarray, tf.Tensor))


def _index_pass(data):
    for i in range(len(data)):
        yield data[i]
    if hasattr(data, "on_epoch_end"):
        data.on_epoch_end()


def make_data(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
              class_weight=None):
    """Picks the adapter for `x` and validates the arguments that go with it."""
    if x is None:
        raise ValueError("Expected `x` to be provided, received x=None.")
    if is_array_data(x):
        return ArrayData(x, y, sample_weight, batch_size, shuffle, steps, class_weight)
    if y is not None:
        raise ValueError("`y` argument is not supported when using dataset as input or a "
                         "Python generator; the dataset should yield (x, y) pairs. "
                         f"Received: y={type(y).__name__}")
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when using a dataset or "
                         "generator as input; yield (x, y, sample_weight) instead.")
    if not _is_iterator_like(x):
        raise ValueError(f"Unrecognized data type: x={x!r} (of type {type(x).__name__})")
    return IterData(x, steps, class_weight)


def train_validation_split(arrays, validation_split):
    """Splits array structures: the last `validation_split` fraction goes to validation."""
    leaves = [a for a in nest.flatten(arrays) if a is not None]
    if not all(_is_array(a) for a in leaves):
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, "
                         f"found following types in the input: {[type(a) for a in leaves]}")
    n = int(np.asarray(leaves[0]).shape[0])
    split = int(math.floor(n * (1.0 - validation_split)))
    if split == 0 or split == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to "
                         f"split it into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, or "
                         "a different value for the `validation_split` argument.")

    def cut(lo, hi):
        return [nest.map_structure(lambda a: _to_numpy(a)[lo:hi], s) if s is not None else None
                for s in arrays]
    return cut(0, split), cut(split, n)
