"""Dataset.ignore_errors: elements whose production raised are dropped, as TF 2.15 does."""
import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def _inverse(values):
    return Dataset.from_tensor_slices(np.array(values, np.float32)).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "division by zero"))


def test_failing_map_elements_are_dropped_and_logged(caplog):
    ds = _inverse([1, 2, 0, 4, 0, 8])
    with pytest.raises(tf.errors.InvalidArgumentError):
        list(ds)  # without ignore_errors the error propagates
    assert [float(v) for v in ds.ignore_errors()] == [1.0, 0.5, 0.25, 0.125]
    alias = ds.apply(tf.data.experimental.ignore_errors())
    with caplog.at_level(logging.WARNING):
        assert len(list(alias)) == 4 and not caplog.records
        assert len(list(ds.ignore_errors(log_warning=True))) == 4
    assert sum("division by zero" in r.getMessage() for r in caplog.records) == 2


def test_batch_between_drops_the_batch_being_filled():
    # TF: batch(2) pulls 3 and 0 -> error, the partial batch [3] is discarded; then [4, 8]
    got = [b.tolist() for b in _inverse([2, 1, 3, 0, 4, 8]).batch(2).ignore_errors()
           .as_numpy_iterator()]
    assert got == [[0.5, 1.0], [0.25, 0.125]]
    got = [b.tolist() for b in _inverse([2, 0, 1]).batch(2).ignore_errors()
           .as_numpy_iterator()]
    assert got == [[1.0]]  # the batch holding the failure is dropped, the rest goes on
    parallel = Dataset.from_tensor_slices(np.array([1, 0, 2], np.float32)).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "inf"), num_parallel_calls=2)
    assert [float(v) for v in parallel.ignore_errors()] == [1.0, 0.5]


def test_damaged_tfrecord_skips_the_rest_of_that_file(tmp_path):
    paths = []
    for k in range(3):
        p = str(tmp_path / f"{k}.tfrecord")
        with tf.io.TFRecordWriter(p) as w:
            for i in range(3):
                w.write(f"{k}{i}".encode())
        paths.append(p)
    raw = bytearray(open(paths[1], "rb").read())
    raw[18 + 12] ^= 1  # the data of record 1 of file 1 (each frame is 18 bytes)
    open(paths[1], "wb").write(bytes(raw))
    ds = tf.data.TFRecordDataset(paths)
    with pytest.raises(tf.errors.DataLossError, match="at 18 in .*1.tfrecord"):
        list(ds)
    assert [x.numpy() for x in ds.ignore_errors()] == [b"00", b"01", b"02", b"10", b"20",
                                                        b"21", b"22"]
    # a missing file is skipped too (TF 2.15 retries it forever)
    missing = tf.data.TFRecordDataset([str(tmp_path / "none.tfrecord"), paths[0]])
    assert [x.numpy() for x in missing.ignore_errors()] == [b"00", b"01", b"02"]


def test_take_skip_filter_count_only_good_elements():
    ds = _inverse([1, 2, 0, 4, 5, 0, 10])
    assert [float(v) for v in ds.take(3).ignore_errors()] == [1.0, 0.5, 0.25]  # as TF
    assert [float(v) for v in ds.skip(2).ignore_errors()] == pytest.approx([0.25, 0.2, 0.1])
    kept = ds.filter(lambda v: v < 0.6).ignore_errors()
    assert [float(v) for v in kept] == pytest.approx([0.5, 0.25, 0.2, 0.1])
