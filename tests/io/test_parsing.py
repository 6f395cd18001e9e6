"""tf.train.Example protos and tf.io.parse_* against hand-built records and real TF."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.io import parsing
from tapeflow.train.example_pb import (BytesList, Example, Feature, FeatureList, FeatureLists,
                                       Features, FloatList, Int64List, SequenceExample)


def _example(**features):
    """Keys starting with s hold bytes, f floats, anything else int64s."""
    def feat(k, v):
        v = list(v)
        if k.startswith("s") or k == "name":
            return Feature(bytes_list=BytesList(value=v))
        if k.startswith("f") or k in ("img", "x"):
            return Feature(float_list=FloatList(value=v))
        return Feature(int64_list=Int64List(value=v))
    return Example(features=Features(feature={k: feat(k, v) for k, v in features.items()}))


def test_example_wire_bytes_are_protobuf():
    # Example{features{feature{key:"a" value{int64_list{value:[1,300]}}}}}, by hand
    inner = b"\x1a\x05\x0a\x03\x01\xac\x02"  # Feature.int64_list, packed [1, 300]
    entry = b"\x0a\x01a" + b"\x12" + bytes([len(inner)]) + inner
    features = b"\x0a" + bytes([len(entry)]) + entry
    expect = b"\x0a" + bytes([len(features)]) + features
    assert _example(a=[1, 300]).SerializeToString() == expect
    assert Example.FromString(expect).features.feature["a"].int64_list.value[:] == [1, 300]


def test_parse_single_example_dense_with_defaults():
    rec = _example(img=[1.0, 2.0, 3.0, 4.0], label=[7], name=[b"x"]).SerializeToString()
    out = tf.io.parse_single_example(rec, {
        "img": tf.io.FixedLenFeature([2, 2], tf.float32),
        "label": tf.io.FixedLenFeature([], tf.int64),
        "name": tf.io.FixedLenFeature([], tf.string),
        "weight": tf.io.FixedLenFeature([], tf.float32, default_value=0.5)})
    np.testing.assert_array_equal(out["img"].numpy(), [[1, 2], [3, 4]])
    assert out["img"].dtype == tf.float32 and out["label"].dtype == tf.int64
    assert int(out["label"]) == 7 and out["name"].numpy() == b"x"
    assert float(out["weight"]) == 0.5


def test_parse_example_batch_varlen_ragged_and_sequence():
    recs = [_example(v=[1, 2, 3], s=[b"a"]).SerializeToString(),
            _example(v=[], s=[b"b", b"c"]).SerializeToString(),
            _example(v=[4], s=[]).SerializeToString()]
    out = tf.io.parse_example(tf.constant(recs), {
        "v": tf.io.VarLenFeature(tf.int64),
        "s": tf.io.RaggedFeature(tf.string),
        "seq": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True),
        "vv": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True,
                                            default_value=-1)})
    sp = out["v"]
    np.testing.assert_array_equal(sp.indices.numpy(), [[0, 0], [0, 1], [0, 2], [2, 0]])
    np.testing.assert_array_equal(sp.values.numpy(), [1, 2, 3, 4])
    np.testing.assert_array_equal(sp.dense_shape.numpy(), [3, 3])
    assert out["s"].to_list() == [[b"a"], [b"b", b"c"], []]
    assert out["seq"].shape == (3, 0)
    dense = tf.io.parse_example(tf.constant(recs), {
        "v": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True,
                                           default_value=-1)})["v"]
    np.testing.assert_array_equal(dense.numpy(), [[1, 2, 3], [-1, -1, -1], [4, -1, -1]])


def test_errors_name_the_feature():
    rec = _example(a=[1, 2, 3]).SerializeToString()
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: a.*Values size: 3"):
        tf.io.parse_single_example(rec, {"a": tf.io.FixedLenFeature([2], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: b .*required"):
        tf.io.parse_single_example(rec, {"b": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: a"):
        tf.io.parse_single_example(rec, {"a": tf.io.FixedLenFeature([3], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        tf.io.parse_single_example(b"\xff\xff", {"a": tf.io.VarLenFeature(tf.int64)})
    with pytest.raises(ValueError, match="float32, int64 or string"):
        tf.io.FixedLenFeature([], tf.int32)


def test_sequence_example():
    seq = SequenceExample(
        context=Features(feature={"id": Feature(int64_list=Int64List(value=[5]))}),
        feature_lists=FeatureLists(feature_list={"tok": FeatureList(feature=[
            Feature(int64_list=Int64List(value=[1])), Feature(int64_list=Int64List(value=[2]))
        ])}))
    ctx, seqs = tf.io.parse_single_sequence_example(
        seq.SerializeToString(), {"id": tf.io.FixedLenFeature([], tf.int64)},
        {"tok": tf.io.FixedLenSequenceFeature([], tf.int64)})
    assert int(ctx["id"]) == 5
    np.testing.assert_array_equal(seqs["tok"].numpy(), [1, 2])
    _, _, lengths = tf.io.parse_sequence_example(
        [seq.SerializeToString()], sequence_features={"tok": tf.io.VarLenFeature(tf.int64)})
    assert lengths["tok"].numpy().tolist() == [2]


def test_parse_in_dataset_map(tmp_path):
    path = str(tmp_path / "e.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        for i in range(5):
            w.write(_example(x=[float(i)], y=[i]).SerializeToString())
    spec = {"x": tf.io.FixedLenFeature([], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}
    ds = tf.data.TFRecordDataset(path).map(lambda r: tf.io.parse_single_example(r, spec))
    got = [(float(e["x"]), int(e["y"])) for e in ds]
    assert got == [(float(i), i) for i in range(5)]
    batched = tf.data.TFRecordDataset(path).batch(2).map(lambda r: tf.io.parse_example(r, spec))
    assert [b["y"].numpy().tolist() for b in batched] == [[0, 1], [2, 3], [4]]


_TF_MAKE = """
import json, sys, tensorflow as tf
f = tf.train.Feature
with tf.io.TFRecordWriter(sys.argv[1]) as w:
    for i in range(4):
        ex = tf.train.Example(features=tf.train.Features(feature={
            "f": f(float_list=tf.train.FloatList(value=[i * 0.5, -1.25])),
            "i": f(int64_list=tf.train.Int64List(value=list(range(i)))),
            "s": f(bytes_list=tf.train.BytesList(value=[b"n%d" % i]))}))
        w.write(ex.SerializeToString())
ds = tf.data.TFRecordDataset(sys.argv[1]).batch(4).map(lambda r: tf.io.parse_example(r, {
    "f": tf.io.FixedLenFeature([2], tf.float32), "i": tf.io.VarLenFeature(tf.int64),
    "s": tf.io.FixedLenFeature([], tf.string)}))
b = next(iter(ds))
print(json.dumps({"f": b["f"].numpy().tolist(), "idx": b["i"].indices.numpy().tolist(),
                  "val": b["i"].values.numpy().tolist(), "s": [x.decode() for x in b["s"].numpy()]}))
"""


def test_parse_matches_tensorflow_on_its_records(tmp_path, tf_peer):
    path = str(tmp_path / "tf.tfrecord")
    ref = tf_peer(_TF_MAKE, path)
    b = next(iter(tf.data.TFRecordDataset(path).batch(4).map(lambda r: tf.io.parse_example(r, {
        "f": tf.io.FixedLenFeature([2], tf.float32), "i": tf.io.VarLenFeature(tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string)}))))
    assert b["f"].numpy().tolist() == ref["f"]
    assert b["i"].indices.numpy().tolist() == ref["idx"]
    assert b["i"].values.numpy().tolist() == ref["val"]
    assert [x.decode() for x in b["s"].numpy()] == ref["s"]
    # TF's own serialization of dense features goes through the vectorized parser too
    from tapeflow.io import fast_parse
    records = [r.numpy() for r in tf.data.TFRecordDataset(path)]
    assert fast_parse.parse_fixed(records, {"f": ((2,), "float32", None),
                                            "s": ((), "string", None)}) is not None
    dense = tf.data.TFRecordDataset(path).map(lambda r: tf.io.parse_single_example(r, {
        "f": tf.io.FixedLenFeature([2], tf.float32),
        "s": tf.io.FixedLenFeature([], tf.string)})).batch(4)
    d = next(iter(dense))
    assert d["f"].numpy().tolist() == ref["f"] and [x.decode() for x in d["s"].numpy()] == ref["s"]


def test_feature_spec_types_are_tf_named_tuples():
    spec = parsing.FixedLenFeature([3], "float32", default_value=[0.0, 0.0, 0.0])
    assert spec.shape == (3,) and spec.dtype == "float32"
