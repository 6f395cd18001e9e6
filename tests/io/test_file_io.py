"""tf.io file helpers, decode_raw and TensorProto bytes (serialize_tensor / parse_tensor)."""
import numpy as np
import pytest

import tapeflow as tf


def test_read_write_file(tmp_path):
    path = str(tmp_path / "sub" / "f.bin")
    tf.io.write_file(path, tf.constant(b"a\x00b"))
    assert tf.io.read_file(path).numpy() == b"a\x00b"
    with pytest.raises(tf.errors.NotFoundError, match="missing"):
        tf.io.read_file(str(tmp_path / "missing"))


@pytest.mark.parametrize("dtype", [tf.int16, tf.float32, tf.uint8, tf.float64])
def test_decode_raw_matches_numpy(dtype):
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 100, size=(3, 4)).astype(dtype.as_numpy_dtype)
    rows = tf.constant(np.array([r.tobytes() for r in arr], dtype=object))
    np.testing.assert_array_equal(tf.io.decode_raw(rows, dtype).numpy(), arr)
    big = tf.io.decode_raw(tf.constant(arr[0].astype(arr.dtype.newbyteorder(">")).tobytes()),
                           dtype, little_endian=False)
    np.testing.assert_array_equal(big.numpy(), arr[0])


def test_decode_raw_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
        tf.io.decode_raw(tf.constant([b"ab", b"abcd"]), tf.int16)
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of 4"):
        tf.io.decode_raw(tf.constant([b"abc"]), tf.float32)


@pytest.mark.parametrize("value", [np.arange(6, dtype=np.float32).reshape(2, 3),
                                   np.array([1, -2, 3], np.int64), np.array(True),
                                   np.array([b"x", b"", b"yz\x00"], dtype=object)])
def test_serialize_parse_round_trip(value):
    t = tf.constant(value)
    back = tf.io.parse_tensor(tf.io.serialize_tensor(t), t.dtype)
    assert back.dtype == t.dtype and back.shape == t.shape
    np.testing.assert_array_equal(np.asarray(back.numpy()), value)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        tf.io.parse_tensor(tf.io.serialize_tensor(t), tf.complex64)


_TF_SERIALIZE = """
import json, sys, tensorflow as tf
vals = [tf.constant([[1.5, 2.0]]), tf.constant([1, 2, 3], tf.int64), tf.constant([b"a", b"bc"]),
        tf.constant(7), tf.constant([0.5], tf.float64)]
print(json.dumps([tf.io.serialize_tensor(v).numpy().hex() for v in vals]))
"""


def test_tensor_proto_bytes_match_tensorflow(tf_peer):
    theirs = [bytes.fromhex(h) for h in tf_peer(_TF_SERIALIZE)]
    ours = [tf.constant([[1.5, 2.0]]), tf.constant([1, 2, 3], tf.int64),
            tf.constant([b"a", b"bc"]), tf.constant(7), tf.constant([0.5], tf.float64)]
    for mine, other in zip(ours, theirs):
        assert tf.io.serialize_tensor(mine).numpy() == other
        back = tf.io.parse_tensor(other, mine.dtype)
        np.testing.assert_array_equal(np.asarray(back.numpy()), np.asarray(mine.numpy()))


def test_gfile(tmp_path):
    g = tf.io.gfile
    d = str(tmp_path / "a" / "b")
    g.makedirs(d)
    with g.GFile(d + "/x.txt", "w") as f:
        f.write("hi")
    assert g.exists(d + "/x.txt") and g.isdir(d) and g.listdir(d) == ["x.txt"]
    assert g.glob(str(tmp_path / "a" / "*")) == [d]
    g.copy(d + "/x.txt", d + "/y.txt")
    with pytest.raises(tf.errors.AlreadyExistsError):
        g.rename(d + "/x.txt", d + "/y.txt")
    g.rename(d + "/x.txt", d + "/y.txt", overwrite=True)
    assert g.listdir(d) == ["y.txt"] and g.GFile(d + "/y.txt").read() == "hi"
    g.remove(d + "/y.txt")
    with pytest.raises(tf.errors.NotFoundError):
        g.remove(d + "/y.txt")
    g.rmtree(str(tmp_path / "a"))
    assert not g.exists(d)


@pytest.mark.parametrize("op", ["rename", "copy"])
def test_gfile_rename_copy_refuse_existing_target_unless_overwrite(tmp_path, op):
    src, dst = tmp_path / "a", tmp_path / "b"
    src.write_bytes(b"new")
    dst.write_bytes(b"old")
    with pytest.raises(tf.errors.AlreadyExistsError, match="file already exists"):
        getattr(tf.io.gfile, op)(str(src), str(dst))
    assert dst.read_bytes() == b"old" and src.exists()  # nothing touched
    getattr(tf.io.gfile, op)(str(src), str(dst), overwrite=True)
    assert dst.read_bytes() == b"new" and src.exists() == (op == "copy")
