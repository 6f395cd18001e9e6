"""Parsing tf.train.Example records into tensors: `tf.io.parse_example` and friends.

Feature specs say what to pull out of each record: `FixedLenFeature` (a dense
tensor of a fixed shape, with an optional default), `VarLenFeature` (a
SparseTensor), `FixedLenSequenceFeature` (dense, padded along a leading variable
axis) and `RaggedFeature` (a RaggedTensor). dtypes are TF's three: float32
(FloatList), int64 (Int64List) and string (BytesList). A batch asking only for
`FixedLenFeature`s is parsed by fast_parse.py (the wire format walked in NumPy for
all records at once); otherwise, or when a record is not in the canonical encoding,
records are decoded by the protobuf runtime (C) and the per-feature values
gathered into NumPy arrays — same values, same errors.

>>> from tapeflow.train.example_pb import Example, Features, Feature, Int64List
>>> rec = Example(features=Features(feature={"a": Feature(int64_list=Int64List(
...     value=[3, 4]))})).SerializeToString()
>>> parse_single_example(rec, {"a": FixedLenFeature([2], "int64")})["a"].numpy()
array([3, 4])
"""
import collections
import threading

import numpy as np

from .. import _core as tf

from .. import train
from ..framework import errors
from ..framework.tensor import Tensor
from . import fast_parse
from ..ragged import RaggedTensor
from ..sparse import SparseTensor

__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "RaggedFeature",
           "parse_example", "parse_single_example", "parse_sequence_example",
           "parse_single_sequence_example"]

_KINDS = {"float32": ("float_list", np.float32), "int64": ("int64_list", np.int64),
          "string": ("bytes_list", object)}


def _dtype(dtype, what):
    name = tf.as_dtype(dtype).name
    if name not in _KINDS:
        raise ValueError(f"{what}: unsupported dtype {name}; tf.train.Example features are "
                         "float32, int64 or string.")
    return name


class FixedLenFeature(collections.namedtuple("FixedLenFeature",
                                             ["shape", "dtype", "default_value"])):
    """A dense feature of a fixed `shape` (a missing one takes `default_value`)."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, tuple(shape), _dtype(dtype, "FixedLenFeature"),
                               default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A variable-length feature, parsed into a SparseTensor."""

    def __new__(cls, dtype):
        return super().__new__(cls, _dtype(dtype, "VarLenFeature"))


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """Values of `shape` repeated along a leading axis of any length, padded to the longest."""

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, tuple(shape), _dtype(dtype, "FixedLenSequenceFeature"),
                               allow_missing, default_value)


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"])):
    """A variable-length feature, parsed into a RaggedTensor (rows per example)."""

    def __new__(cls, dtype, value_key=None, partitions=(), row_splits_dtype="int64",
                validate=False):
        if partitions:
            raise ValueError("RaggedFeature: `partitions` are not supported by tapeflow; "
                             f"received partitions={partitions!r}")
        return super().__new__(cls, _dtype(dtype, "RaggedFeature"), value_key, (),
                               tf.as_dtype(row_splits_dtype).name, validate)


# -- decoding ------------------------------------------------------------------
def _records(serialized):
    """The serialized records as a flat list of bytes, and the batch shape."""
    if isinstance(serialized, (bytes, str)):
        return [serialized.encode() if isinstance(serialized, str) else serialized], ()
    arr = getattr(serialized, "_value", None)  # a Tensor's host array, without a copy
    if not isinstance(arr, np.ndarray):
        arr = serialized.numpy() if hasattr(serialized, "numpy") else serialized
    arr = np.asarray(arr, dtype=object)
    items = arr.reshape(-1).tolist()
    if not set(map(type, items)) <= {bytes}:
        items = [bytes(v) if not isinstance(v, str) else v.encode() for v in items]
    return items, arr.shape


def _decode(cls, record, index):
    try:
        return cls.FromString(record)
    except Exception:  # protobuf's DecodeError
        raise errors.InvalidArgumentError(
            None, None, f"Could not parse example input, value: '{record[:40]!r}' "
            f"(record {index})") from None


def _values(feature_map, key, dtype, index):
    """The feature's values as a NumPy array, or None when absent."""
    if key not in feature_map:
        return None
    feature = feature_map[key]
    kind, np_type = _KINDS[dtype]
    got = feature.WhichOneof("kind")
    if got is None:
        return np.zeros((0,), np_type)
    if got != kind:
        raise errors.InvalidArgumentError(
            None, None, f"Name: <unknown>, Feature: {key} (data type: {dtype}) is required "
            f"but the record {index} holds a {got}; can't parse serialized Example.")
    values = getattr(feature, kind).value
    if np_type is object:
        out = np.empty(len(values), object)
        out[:] = list(values)
        return out
    return np.asarray(values, np_type)


def _tensor(array, dtype):
    if isinstance(array, np.ndarray) and array.dtype == _KINDS[dtype][1]:
        # a host array, as tapeflow.data's elements: no copy
        return Tensor._from_host(array)
    return tf.constant(array, dtype=dtype)


def _fixed(rows, key, spec):
    n = int(np.prod(spec.shape, dtype=np.int64))
    out = []
    for i, v in enumerate(rows):
        if v is None:
            if spec.default_value is None:
                raise errors.InvalidArgumentError(
                    None, None, f"Feature: {key} (data type: {spec.dtype}) is required but "
                    "could not be found.")
            v = np.broadcast_to(np.asarray(spec.default_value, dtype=_KINDS[spec.dtype][1]),
                                spec.shape).reshape(-1)
        if v.size != n:
            raise errors.InvalidArgumentError(
                None, None, f"Key: {key}, Index: {i}.  Number of {spec.dtype} values != "
                f"expected.  Values size: {v.size} but output shape: {list(spec.shape)}")
        out.append(v.reshape(spec.shape))
    stacked = np.stack(out) if out else np.zeros((0,) + spec.shape, _KINDS[spec.dtype][1])
    return stacked


def _sequence(rows, key, spec, allow_missing):
    inner = int(np.prod(spec.shape, dtype=np.int64))
    np_type = _KINDS[spec.dtype][1]
    parts = []
    for i, v in enumerate(rows):
        if v is None:
            if not allow_missing:
                raise errors.InvalidArgumentError(
                    None, None, f"Feature: {key} (data type: {spec.dtype}) is required but "
                    "could not be found.")
            v = np.zeros((0,), np_type)
        if inner and v.size % inner:
            raise errors.InvalidArgumentError(
                None, None, f"Key: {key}, Index: {i}.  Number of {spec.dtype} values is not "
                f"a multiple of {inner} (the feature's shape {list(spec.shape)}).")
        parts.append(v.reshape((-1,) + spec.shape))
    longest = max((len(p) for p in parts), default=0)
    fill = spec.default_value if spec.default_value is not None else (
        b"" if np_type is object else 0)
    out = np.empty((len(parts), longest) + spec.shape, np_type)
    out[...] = fill
    for i, p in enumerate(parts):
        out[i, :len(p)] = p
    return out


def _var_len(rows, dtype, batch):
    lengths = [0 if v is None else v.size for v in rows]
    values = np.concatenate([v for v in rows if v is not None] or
                            [np.zeros((0,), _KINDS[dtype][1])])
    if batch:
        idx = np.array([(i, j) for i, n in enumerate(lengths) for j in range(n)],
                       np.int64).reshape(-1, 2)
        shape = [len(rows), max(lengths, default=0)]
    else:
        idx = np.arange(lengths[0], dtype=np.int64).reshape(-1, 1)
        shape = [lengths[0]]
    return SparseTensor(idx, _tensor(values, dtype), shape)


def _ragged(rows, dtype, spec, batch):
    np_type = _KINDS[dtype][1]
    vals = [np.zeros((0,), np_type) if v is None else v for v in rows]
    if not batch:
        return _tensor(vals[0], dtype)
    splits = np.concatenate([[0], np.cumsum([len(v) for v in vals])]).astype(
        spec.row_splits_dtype)
    flat = np.concatenate(vals) if vals else np.zeros((0,), np_type)
    return RaggedTensor.from_row_splits(_tensor(flat, dtype), splits)


def _parse_features(maps, features, batch_shape):
    batch = batch_shape != ()
    out = {}
    for key, spec in features.items():
        value_key = getattr(spec, "value_key", None) or key
        rows = [_values(m, value_key, spec.dtype, i) for i, m in enumerate(maps)]
        if isinstance(spec, FixedLenFeature):
            arr = _fixed(rows, key, spec)
            out[key] = _tensor(arr if batch else arr[0], spec.dtype)
        elif isinstance(spec, FixedLenSequenceFeature):
            arr = _sequence(rows, key, spec, spec.allow_missing)
            out[key] = _tensor(arr if batch else arr[0], spec.dtype)
        elif isinstance(spec, VarLenFeature):
            out[key] = _var_len(rows, spec.dtype, batch)
        elif isinstance(spec, RaggedFeature):
            out[key] = _ragged(rows, spec.dtype, spec, batch)
        else:
            raise ValueError(f"Unsupported feature spec for key {key!r}: {spec!r}")
    return out


class _Intercept(threading.local):
    """A per-thread hook seeing `parse_*example` and `decode_raw` calls first:
    tapeflow.data's vectorized map uses it to learn what a map function does with a
    record (and to replay it batched). `hook(op, *args)` returns NotImplemented to let
    the call run."""
    hook = None


INTERCEPT = _Intercept()


def intercepted(op, *args):
    hook = INTERCEPT.hook
    return NotImplemented if hook is None else hook(op, *args)


def parse_example(serialized, features, example_names=None, name=None):
    """Parses a batch (vector) of serialized Examples into a dict of batched tensors."""
    got = intercepted("parse", serialized, features)
    if got is not NotImplemented:
        return got
    records, shape = _records(serialized)
    if len(shape) > 1:
        raise ValueError(f"parse_example expects a scalar or vector of records; received "
                         f"shape {list(shape)}")
    features = dict(features)
    if shape != () and all(type(s) is FixedLenFeature for s in features.values()):
        dense = fast_parse.parse_fixed(records, {k: (s.shape, s.dtype, s.default_value)
                                                 for k, s in features.items()})
        if dense is not None:
            return {k: _tensor(v, features[k].dtype) for k, v in dense.items()}
    example = train.example_protos().Example
    maps = [_decode(example, r, i).features.feature for i, r in enumerate(records)]
    return _parse_features(maps, features, shape)


def parse_single_example(serialized, features, example_names=None, name=None):
    """Parses one serialized Example (a scalar string) into a dict of tensors."""
    got = intercepted("parse", serialized, features)
    if got is not NotImplemented:
        return got
    records, shape = _records(serialized)
    if shape != ():
        raise ValueError(f"parse_single_example expects one record (a scalar string); "
                         f"received shape {list(shape)}")
    return parse_example(records[0], features)


def _split_sequence_specs(specs):
    out = {}
    for key, spec in (specs or {}).items():
        if isinstance(spec, FixedLenFeature):  # a feature list of fixed-shape steps
            spec = FixedLenSequenceFeature(spec.shape, spec.dtype, False, spec.default_value)
        out[key] = spec
    return out


def _feature_list_values(flists, key, dtype, index):
    if key not in flists:
        return None
    parts = [_values({key: f}, key, dtype, index) for f in flists[key].feature]
    return np.concatenate(parts) if parts else np.zeros((0,), _KINDS[dtype][1])


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """Parses a vector of SequenceExamples: (context, feature_lists, lengths) dicts."""
    records, shape = _records(serialized)
    seq_example = train.example_protos().SequenceExample
    protos = [_decode(seq_example, r, i) for i, r in enumerate(records)]
    batch = shape if shape != () else (1,)
    context = _parse_features([p.context.feature for p in protos], dict(context_features or {}),
                              batch)
    seq_specs = _split_sequence_specs(sequence_features)
    sequences, lengths = {}, {}
    for key, spec in seq_specs.items():
        rows = [_feature_list_values(p.feature_lists.feature_list, key, spec.dtype, i)
                for i, p in enumerate(protos)]
        inner = int(np.prod(getattr(spec, "shape", ()), dtype=np.int64)) or 1
        lengths[key] = tf.constant([0 if r is None else r.size // inner for r in rows],
                                   dtype=tf.int64)
        if isinstance(spec, FixedLenSequenceFeature):
            sequences[key] = _tensor(_sequence(rows, key, spec, spec.allow_missing), spec.dtype)
        elif isinstance(spec, VarLenFeature):
            sequences[key] = _var_len(rows, spec.dtype, True)
        else:
            sequences[key] = _ragged(rows, spec.dtype, spec, True)
    return context, sequences, lengths


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parses one SequenceExample: (context, feature_lists) dicts without the batch axis."""
    records, shape = _records(serialized)
    if shape != ():
        raise ValueError("parse_single_sequence_example expects one record (a scalar string)")
    context, sequences, _ = parse_sequence_example(records, context_features,
                                                   sequence_features)
    return ({k: unbatch(v) for k, v in context.items()},
            {k: unbatch(v) for k, v in sequences.items()})


def unbatch(t):
    """Drops the leading batch axis of one example's parsed value."""
    if isinstance(t, SparseTensor):
        return SparseTensor(t.indices[:, 1:], t.values, t.dense_shape[1:])
    if isinstance(t, RaggedTensor):
        return t[0]
    return t[0]
