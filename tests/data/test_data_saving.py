"""Dataset.save / load / snapshot, and checkpointed iterators over map+batch pipelines."""
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def test_save_load_roundtrip_structures_strings_compression(tmp_path):
    a = np.arange(12, dtype=np.float32).reshape(6, 2)
    words = ["x", "yy", "", "zzz", "w", "v"]
    ds = Dataset.from_tensor_slices({"a": a, "s": words, "t": (np.arange(6), np.ones(6, bool))})
    path = str(tmp_path / "saved")
    ds.save(path, compression="GZIP", shard_func=lambda e: e["t"][0] % 2)
    back = Dataset.load(path)
    assert back.element_spec == ds.element_spec
    got = sorted(back.as_numpy_iterator(), key=lambda e: int(e["t"][0]))
    np.testing.assert_array_equal(np.stack([e["a"] for e in got]), a)
    assert [e["s"] for e in got] == [w.encode() for w in words]
    assert all(e["t"][1] for e in got)
    with pytest.raises(tf.errors.NotFoundError):
        Dataset.load(str(tmp_path / "missing"))


def test_snapshot_computes_once_then_reads(tmp_path):
    calls = []

    def f(x):
        calls.append(1)
        return x * 3
    path = str(tmp_path / "snap")
    ds = Dataset.range(5).map(lambda x: tf.py_function(f, [x], tf.int64)).snapshot(path)
    assert [int(v) for v in ds] == [0, 3, 6, 9, 12] and len(calls) == 5
    assert [int(v) for v in ds] == [0, 3, 6, 9, 12] and len(calls) == 5
    again = Dataset.range(5).map(lambda x: tf.py_function(f, [x], tf.int64)).snapshot(path)
    assert [int(v) for v in again] == [0, 3, 6, 9, 12] and len(calls) == 5
    assert os.path.exists(os.path.join(path, "element_spec.json"))


def test_checkpointed_iterator_over_shuffle_map_batch(tmp_path):
    ds = Dataset.range(60).shuffle(20).map(lambda x: x * 2).batch(8)
    it = iter(ds)
    for _ in range(3):
        next(it)
    path = tf.train.Checkpoint(iterator=it).save(str(tmp_path / "ck"))
    rest = [b.numpy().tolist() for b in it]
    it2 = iter(ds)
    tf.train.Checkpoint(iterator=it2).restore(path)
    assert [b.numpy().tolist() for b in it2] == rest and len(rest) == 5
    seen = sorted(v for b in rest for v in b)
    assert len(seen) == len(set(seen)) == 60 - 24 and all(v % 2 == 0 for v in seen)
