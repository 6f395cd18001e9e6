"""Vectorized TFRecord framing (io/record_scan.py) against the format definition."""
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.io import record_scan, tfrecord
from tapeflow.lib.io import crc32c

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crc_reference import crc32c_bitwise, masked  # noqa: E402


def _frame(data):  # the format, from its definition
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", masked(head)) + data + struct.pack("<I", masked(data))


def test_crc_lanes_match_the_bitwise_definition():
    rng = np.random.default_rng(0)
    for n in (0, 1, 3, 4, 7, 33):
        mat = rng.integers(0, 256, (5, n)).astype(np.uint8)
        assert record_scan.crc32c_lanes(mat).tolist() == [crc32c_bitwise(bytes(r)) for r in mat]


@pytest.mark.parametrize("native", [True, False])
def test_scan_and_cut_runs_and_irregular_lengths(native, monkeypatch):
    if not native:
        monkeypatch.setattr(crc32c, "_native", None)
    rng = np.random.default_rng(1)
    lengths = [5] * 40 + list(rng.integers(0, 30, 50)) + [0] * 20 + [7, 7, 8]
    data = [bytes(rng.integers(0, 256, n).astype(np.uint8)) for n in lengths]
    raw = b"".join(_frame(d) for d in data)
    segments, stop = record_scan.scan(raw, 0, len(raw))
    assert stop == len(raw)
    assert segments[0] == (0, 5, 40)  # a run, then walked stretches
    assert record_scan.cut(raw, segments) == (data, -1)
    starts = np.cumsum([0] + [len(_frame(d)) for d in data])[:-1]
    assert [record_scan.offset_of(segments, i) for i in range(len(data))] == starts.tolist()
    partial = raw[:-3]  # the last record does not fit
    _, stop = record_scan.scan(partial, 0, len(partial))
    assert stop == len(raw) - len(_frame(data[-1]))
    bad = bytearray(raw)
    at = sum(len(_frame(d)) for d in data[:20])
    bad[at + 12] ^= 1  # a data byte of record 20 (inside the first run)
    segments, _ = record_scan.scan(bytes(bad), 0, len(bad))
    assert record_scan.cut(bytes(bad), segments) == (data[:20], 20)
    bad[starts[60] + 9] ^= 1  # a length CRC in a walked stretch
    bad[at + 12] ^= 1
    segments, _ = record_scan.scan(bytes(bad), 0, len(bad))
    assert record_scan.cut(bytes(bad), segments) == (data[:60], 60)


def test_reader_across_buffer_boundaries_and_damage(tmp_path, monkeypatch):
    monkeypatch.setattr(tfrecord, "_CHUNK", 64)  # records straddle every read
    data = [bytes([i]) * (i % 50) for i in range(200)] + [b"z" * 500]
    path = str(tmp_path / "r.tfrecord")
    raw = b"".join(_frame(d) for d in data)
    open(path, "wb").write(raw)
    assert list(tfrecord.read_records(path)) == data
    at = len(raw) - len(_frame(data[-1]))
    bad = bytearray(raw)
    bad[at + 9] ^= 1  # the length CRC of the last record
    open(path, "wb").write(bytes(bad))
    got = []
    with pytest.raises(tf.errors.DataLossError, match=f"corrupted record at {at} .*length"):
        for r in tfrecord.read_records(path):
            got.append(r)
    assert got == data[:-1]  # everything before the damage is read
    open(path, "wb").write(raw[:at + 7])
    with pytest.raises(tf.errors.DataLossError, match=f"truncated record at {at}"):
        list(tfrecord.read_records(path))


def test_few_lengths_are_found_by_header_search_even_with_frames_inside_data(monkeypatch):
    monkeypatch.setattr(record_scan, "_SPAN", 64)  # walk little, search headers after
    rng = np.random.default_rng(5)
    inner = _frame(b"abc")  # data that itself looks like a record (a false header)
    data = [bytes(rng.integers(0, 256, n).astype(np.uint8))
            for n in rng.choice([3, 9, 27], 300)]
    data[150] = b"\x00" * 4 + inner + b"\x00" * 4  # 27 bytes, a length in use
    data += [bytes([i % 7]) * (3 if i % 2 else 9) for i in range(600)]
    raw = b"".join(_frame(d) for d in data)
    segments, stop = record_scan.scan(raw, 0, len(raw))
    assert stop == len(raw)
    assert any(len(s) == 2 and len(s[0]) >= 32 and s[0][0] > 0 for s in segments)  # jumped
    assert record_scan.cut(raw, segments) == (data, -1)
