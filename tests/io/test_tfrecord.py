"""TFRecord framing: round trips, compression, corruption errors, and TF reading ours (and us TF's)."""
import gzip
import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.io import tfrecord
from tapeflow.lib.io import crc32c

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crc_reference import masked  # noqa: E402

RECORDS = [b"", b"a", b"\x00" * 3, bytes(range(256)) * 5]


def test_frame_layout_matches_the_format_definition():
    data = b"hello"
    framed = tfrecord.frame(data)
    length = struct.pack("<Q", 5)
    assert framed == (length + struct.pack("<I", masked(length)) + data +
                      struct.pack("<I", masked(data)))


@pytest.mark.parametrize("compression", [None, "GZIP", "ZLIB"])
def test_round_trip_and_dataset(tmp_path, compression):
    path = str(tmp_path / "r.tfrecord")
    with tf.io.TFRecordWriter(path, options=compression) as w:
        for r in RECORDS:
            w.write(r)
    assert list(tfrecord.read_records(path, compression)) == RECORDS
    ds = tf.data.TFRecordDataset(path, compression_type=compression)
    assert [x.numpy() for x in ds] == RECORDS
    assert ds.element_spec.dtype == tf.string and ds.element_spec.shape == []


def test_gzip_file_is_plain_gzip(tmp_path):
    path = str(tmp_path / "g.tfrecord")
    with tf.io.TFRecordWriter(path, tf.io.TFRecordOptions(compression_type="GZIP")) as w:
        w.write(b"xyz")
    with gzip.open(path) as f:
        assert f.read() == tfrecord.frame(b"xyz")


def test_interleaved_reads_of_several_files(tmp_path):
    paths = []
    for k in range(3):
        p = str(tmp_path / f"{k}.tfrecord")
        with tf.io.TFRecordWriter(p) as w:
            for i in range(k + 1):
                w.write(f"{k}-{i}".encode())
        paths.append(p)
    seq = [x.numpy() for x in tf.data.TFRecordDataset(paths)]
    assert seq == [b"0-0", b"1-0", b"1-1", b"2-0", b"2-1", b"2-2"]
    par = [x.numpy() for x in tf.data.TFRecordDataset(paths, num_parallel_reads=2)]
    assert sorted(par) == sorted(seq) and par[:2] == [b"0-0", b"1-0"]


def test_corruption_raises_data_loss_with_file_and_offset(tmp_path):
    path = str(tmp_path / "c.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        w.write(b"first")
        w.write(b"second")
    raw = bytearray(open(path, "rb").read())
    second = len(tfrecord.frame(b"first"))
    bad = bytearray(raw)
    bad[second + 12] ^= 0xFF  # a data byte of the second record
    open(path, "wb").write(bytes(bad))
    with pytest.raises(tf.errors.DataLossError, match=f"at {second} in .*c.tfrecord"):
        list(tfrecord.read_records(path))
    open(path, "wb").write(bytes(raw[:-3]))  # truncated footer
    with pytest.raises(tf.errors.DataLossError, match="truncated record"):
        list(tf.data.TFRecordDataset(path))
    with pytest.raises(tf.errors.NotFoundError):
        list(tfrecord.read_records(str(tmp_path / "missing")))


def test_masked_crc_matches_reference():
    for data in RECORDS:
        assert crc32c.masked_value(data) == masked(data)


_TF_WRITE = """
import tensorflow as tf, sys
with tf.io.TFRecordWriter(sys.argv[1], options=sys.argv[2] or None) as w:
    for r in [b"", b"a", b"\\x00" * 3, bytes(range(256)) * 5]:
        w.write(r)
print(1)
"""

_TF_READ = """
import json, sys, tensorflow as tf
print(json.dumps([r.hex() for r in tf.data.TFRecordDataset(sys.argv[1],
       compression_type=sys.argv[2] or None).as_numpy_iterator()]))
"""


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_interop_with_tensorflow_both_ways(tmp_path, tf_peer, compression):
    ours = str(tmp_path / "ours.tfrecord")
    with tf.io.TFRecordWriter(ours, options=compression) as w:
        for r in RECORDS:
            w.write(r)
    assert tf_peer(_TF_READ, ours, compression) == [r.hex() for r in RECORDS]
    theirs = str(tmp_path / "theirs.tfrecord")
    tf_peer(_TF_WRITE, theirs, compression)
    assert [x.numpy() for x in tf.data.TFRecordDataset(theirs, compression)] == RECORDS
