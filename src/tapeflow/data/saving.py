"""`Dataset.save`, `Dataset.load` and `Dataset.snapshot`: elements on disk.

A saved dataset is a directory: `element_spec.json` (the element structure with
each component's dtype and shape) and `shard_<k>.tfrecord` files whose records
are the elements' components, one `tf.io.serialize_tensor` TensorProto per
component, in order. `compression` is TFRecord's ('GZIP', 'ZLIB' or None).
(TF's own snapshot directory layout is not reproduced: tapeflow reads what
tapeflow wrote.)

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "saved")
>>> tf.data.Dataset.range(3).map(lambda x: (x, x * 2)).save(p)
>>> [(int(a), int(b)) for a, b in tf.data.Dataset.load(p)]
[(0, 0), (1, 2), (2, 4)]
"""
import glob
import json
import os

import numpy as np

from ..framework import dtypes, errors
from ..io import file_io, tfrecord
from . import structure
from .pipeline import UNKNOWN, Node
from .transforms import _Unary

__all__ = ["save", "LoadDataset", "SnapshotDataset"]

_SPEC = "element_spec.json"


def _spec_json(spec):
    """The element structure as JSON: tuples, dicts and TensorSpec leaves."""
    if isinstance(spec, dict):
        return {"dict": [[k, _spec_json(v)] for k, v in spec.items()]}
    if isinstance(spec, tuple):
        return {"tuple": [_spec_json(v) for v in spec]}
    if not isinstance(spec, structure.TensorSpec):
        raise TypeError(f"Dataset.save supports elements of tensors only. Received a "
                        f"component with spec {spec}.")
    shape = None if spec.shape.rank is None else spec.shape.as_list()
    return {"dtype": spec.dtype.name, "shape": shape}


def _spec_from_json(obj):
    if "dict" in obj:
        return {k: _spec_from_json(v) for k, v in obj["dict"]}
    if "tuple" in obj:
        return tuple(_spec_from_json(v) for v in obj["tuple"])
    return structure.TensorSpec(obj["shape"], dtypes.as_dtype(obj["dtype"]))


def _write(dataset, path, compression, shard_func, elements):
    """Writes `elements` (NumPy structures) under `path`; yields each after writing."""
    os.makedirs(path, exist_ok=True)
    spec = dataset.__dict__.get("_spec")  # known already, else the first element's
    writers = {}
    try:
        for elem in elements:
            if spec is None:
                spec = structure.spec_of(elem)
            shard = 0 if shard_func is None else int(structure.to_numpy_leaf(
                structure.call(shard_func, elem)))
            if shard not in writers:
                writers[shard] = tfrecord.TFRecordWriter(
                    os.path.join(path, f"shard_{shard:05d}.tfrecord"),
                    tfrecord.TFRecordOptions(compression))
            for leaf in structure.leaves(elem):
                writers[shard].write(file_io.serialize_tensor(structure._tensor(leaf)).numpy())
            yield elem
    finally:
        for w in writers.values():
            w.close()
    if spec is None:
        spec = dataset.element_spec
    with open(os.path.join(path, _SPEC), "w") as f:  # written last: marks a complete save
        json.dump({"spec": _spec_json(spec), "compression": compression or ""}, f)


def save(dataset, path, compression=None, shard_func=None):
    """`Dataset.save`: writes every element of `dataset` under directory `path`."""
    for _ in _write(dataset, os.fspath(path), compression, shard_func, dataset._elements()):
        pass


def _complete(path):
    return os.path.exists(os.path.join(path, _SPEC))


class LoadDataset(Node):
    """The elements a `Dataset.save` wrote under `path` (shards in order)."""

    def __init__(self, path, element_spec=None, compression=None):
        self._path = os.fspath(path)
        if not _complete(self._path):
            raise errors.NotFoundError(None, None, f"Could not find a saved dataset at "
                                                   f"{self._path} (no {_SPEC}).")
        with open(os.path.join(self._path, _SPEC)) as f:
            meta = json.load(f)
        self._compression = compression if compression is not None else (
            meta["compression"] or None)
        self.__dict__["_spec"] = element_spec if element_spec is not None else \
            _spec_from_json(meta["spec"])

    def _card(self):
        return UNKNOWN

    def _elements(self):
        specs = structure.leaves(self.element_spec)
        for name in sorted(glob.glob(os.path.join(self._path, "shard_*.tfrecord"))):
            leaves = []
            for record in tfrecord.read_records(name, self._compression):
                spec = specs[len(leaves)]
                value = file_io.parse_tensor(record, spec.dtype)
                leaves.append(np.asarray(value._value))
                if len(leaves) == len(specs):
                    yield structure.pack(self.element_spec, leaves)
                    leaves = []
            if leaves:
                raise errors.DataLossError(None, None, f"{name} ends inside an element.")


class SnapshotDataset(_Unary):
    """`Dataset.snapshot`: the first full iteration writes the elements under `path`;
    once complete, every iteration (and any pipeline pointing there) reads them."""

    def __init__(self, input_dataset, path, compression="AUTO", shard_func=None):
        super().__init__(input_dataset)
        self._path = os.fspath(path)
        self._compression = None if compression in ("AUTO", "", None) else compression
        self._shard = shard_func

    def _card(self):
        return self._input._card()

    def _elements(self):
        if _complete(self._path):
            return LoadDataset(self._path)._elements()
        return _write(self._input, self._path, self._compression, self._shard,
                      self._input._elements())
