"""The vectorized Example parser (io/fast_parse.py) against hand-built protobuf records.

Expected values are the NumPy arrays the records were built from (protobuf's own
message classes serialize them); non-canonical encodings are written byte by byte and
must give protobuf's reading of them (through the general parser)."""
import struct

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.io import fast_parse
from tapeflow.train.example_pb import BytesList, Example, Feature, Features, FloatList, Int64List


def _feature(v):
    v = np.asarray(v)
    if v.dtype == object:
        return Feature(bytes_list=BytesList(value=list(v.reshape(-1))))
    if v.dtype.kind == "f":
        return Feature(float_list=FloatList(value=v.reshape(-1).tolist()))
    return Feature(int64_list=Int64List(value=v.reshape(-1).tolist()))


def _records(columns, order=None):
    n = len(next(iter(columns.values())))
    out = []
    for i in range(n):
        keys = list(columns) if order is None else order(i, list(columns))
        out.append(Example(features=Features(feature={
            k: _feature(columns[k][i]) for k in keys})).SerializeToString())
    return out


SPEC = {"x": tf.io.FixedLenFeature([2, 2], tf.float32),
        "y": tf.io.FixedLenFeature([], tf.int64),
        "s": tf.io.FixedLenFeature([2], tf.string)}


def _columns(n, rng, big=False):
    y = rng.integers(-2**62, 2**62, n) if big else rng.integers(0, 100, n)
    s = np.empty((n, 2), object)
    for i in range(n):
        s[i] = [bytes(rng.integers(0, 256, rng.integers(0, 5 if big else 1) + (0 if big else 3))
                      .astype(np.uint8)), b"k"]
    return {"x": rng.standard_normal((n, 2, 2)).astype(np.float32), "y": y, "s": s}


def _check(out, cols):
    for k, v in cols.items():
        got = out[k].numpy()
        assert got.dtype == (object if v.dtype == object else v.dtype), k
        np.testing.assert_array_equal(got, v)


@pytest.mark.parametrize("big", [False, True])
def test_fast_path_values_equal_the_source_arrays(big):
    cols = _columns(40, np.random.default_rng(int(big)), big)
    recs = _records(cols)
    specs = {k: (s.shape, s.dtype, s.default_value) for k, s in SPEC.items()}
    assert fast_parse.parse_fixed(recs, specs) is not None  # the canonical encoding is taken
    _check(tf.io.parse_example(recs, SPEC), cols)
    one = tf.io.parse_single_example(recs[3], SPEC)
    _check(one, {k: v[3] for k, v in cols.items()})


def test_keys_in_any_order_missing_keys_and_defaults():
    rng = np.random.default_rng(2)
    cols = _columns(30, rng)
    recs = _records(cols, order=lambda i, keys: keys[i % 3:] + keys[:i % 3])
    missing = Example(features=Features(feature={"s": _feature(np.array([b"a", b"b"], object)),
                                                 "other": _feature([1.5])})).SerializeToString()
    spec = dict(SPEC, x=tf.io.FixedLenFeature([2, 2], tf.float32, default_value=[[1, 2], [3, 4]]),
                y=tf.io.FixedLenFeature([], tf.int64, default_value=-7))
    specs = {k: (s.shape, s.dtype, s.default_value) for k, s in spec.items()}
    assert fast_parse.parse_fixed(recs + [missing], specs) is not None
    out = tf.io.parse_example(recs + [missing], spec)
    spec_s = tf.io.FixedLenFeature([2], tf.string, default_value=[b"d", b"e"])
    np.testing.assert_array_equal(out["x"].numpy()[:30], cols["x"])
    np.testing.assert_array_equal(out["x"].numpy()[30:], [[[1, 2], [3, 4]]])
    np.testing.assert_array_equal(out["y"].numpy(), list(cols["y"]) + [-7])
    with pytest.raises(tf.errors.InvalidArgumentError, match="s"):
        tf.io.parse_example(recs + [b""], spec)  # the empty record lacks `s`
    out = tf.io.parse_example(recs + [b""], dict(spec, s=spec_s))
    assert out["s"].numpy()[-1].tolist() == [b"d", b"e"]


def _wire(fields):
    """Length-delimited protobuf fields [(field number, bytes)] (all lengths < 128)."""
    return b"".join(bytes([n << 3 | 2, len(v)]) + v for n, v in fields)


def _entry(key, feature):
    return _wire([(1, _wire([(1, key), (2, feature)]))])


def test_non_canonical_encodings_read_as_protobuf_does():
    unpacked = b"".join(b"\x0d" + struct.pack("<f", v) for v in (1.0, 2.0))  # tag 1, fixed32
    float_list = _wire([(2, unpacked)])
    y = _wire([(3, _wire([(1, b"\x05")]))])
    recs = [
        _wire([(1, _entry(b"f", float_list) + _entry(b"y", y))]),  # unpacked floats
        _wire([(1, _entry(b"y", _wire([(3, _wire([(1, b"\x09")]))])) + _entry(b"f", _wire(
            [(2, _wire([(1, struct.pack("<2f", 3, 4))]))])) + _entry(b"y", y))]),  # repeated key
        _wire([(1, _entry(b"f", _wire([(2, _wire([(1, struct.pack("<2f", 5, 6))]))])) +
                _entry(b"y", y))]) + b"\x10\x01",  # an unknown field after `features`
    ]
    specs = {"f": ((2,), "float32", None), "y": ((), "int64", None)}
    assert fast_parse.parse_fixed(recs, specs) is None  # these go to the general parser
    out = tf.io.parse_example(recs, {"f": tf.io.FixedLenFeature([2], tf.float32),
                                     "y": tf.io.FixedLenFeature([], tf.int64)})
    np.testing.assert_array_equal(out["f"].numpy(), [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(out["y"].numpy(), [5, 5, 5])  # the last duplicate wins


def test_errors_name_the_feature():
    cols = _columns(10, np.random.default_rng(3))
    recs = _records(cols)
    with pytest.raises(tf.errors.InvalidArgumentError, match="x"):
        tf.io.parse_example(recs, dict(SPEC, x=tf.io.FixedLenFeature([3], tf.float32)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: y"):
        tf.io.parse_example(recs, dict(SPEC, y=tf.io.FixedLenFeature([], tf.float32)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: z"):
        tf.io.parse_example(recs, dict(SPEC, z=tf.io.FixedLenFeature([], tf.int64)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example"):
        tf.io.parse_example(recs[:3] + [recs[3][:-2]], SPEC)  # a truncated record


def test_int64_varints_of_every_width():
    values = np.array([0, 1, 127, 128, 300, 2**31, 2**63 - 1, -1, -2**63, -300], np.int64)
    recs = _records({"v": values.reshape(-1, 1).repeat(3, 1)})
    out = tf.io.parse_example(recs, {"v": tf.io.FixedLenFeature([3], tf.int64)})
    np.testing.assert_array_equal(out["v"].numpy(), values.reshape(-1, 1).repeat(3, 1))


def test_long_values_have_multi_byte_lengths():
    rng = np.random.default_rng(4)
    s = np.empty((20, 1), object)
    for i in range(20):
        s[i, 0] = bytes(rng.integers(0, 256, int(rng.integers(100, 20000))).astype(np.uint8))
    cols = {"s": s, "x": rng.standard_normal((20, 40)).astype(np.float32)}  # 160-byte lists
    recs = _records(cols)
    specs = {"s": ((1,), "string", None), "x": ((40,), "float32", None)}
    assert fast_parse.parse_fixed(recs, specs) is not None
    out = tf.io.parse_example(recs, {"s": tf.io.FixedLenFeature([1], tf.string),
                                     "x": tf.io.FixedLenFeature([40], tf.float32)})
    _check(out, cols)
