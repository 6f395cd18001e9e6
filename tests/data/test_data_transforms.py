"""map, filter, take, skip, repeat, shard, enumerate, flat_map, interleave, scan,
take_while, unique, reduce, apply: TF's documented examples and edge cases."""
import threading
import traceback

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def vals(ds):
    return [np.asarray(v).tolist() for v in ds.as_numpy_iterator()]


def test_map_receives_tensors_and_unpacks_tuples():
    seen = []

    def f(x, y):
        seen.append((type(x), type(y)))
        return x + y, {"d": x * y}
    ds = Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).map(f)
    got = [(int(a), int(b["d"])) for a, b in ds]
    assert got == [(5, 4), (7, 10), (9, 18)]
    assert seen[0] == (tf.Tensor, tf.Tensor)


def test_map_dict_element_and_list_return_becomes_tuple():
    ds = Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda d: [d["a"], d["a"] * 2])
    e = next(iter(ds))
    assert isinstance(e, tuple) and [int(v) for v in e] == [1, 2]


def test_spec_pipeline_map_identity_pairs():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    ds = Dataset.from_tensor_slices(x).map(lambda v: (v, v)).shuffle(4, seed=0).batch(4)
    for a, b in ds:
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ds.element_spec[0].shape.as_list() == [None, 2]


def test_map_parallel_keeps_order_and_uses_threads():
    threads = set()

    def f(x):
        threads.add(threading.get_ident())
        return x * 2
    ds = Dataset.range(50).map(f, num_parallel_calls=tf.data.AUTOTUNE)
    assert vals(ds) == [2 * i for i in range(50)]
    # deterministic=False lets elements come out as they finish (TF: any order)
    assert sorted(vals(Dataset.range(7).map(lambda x: x + 1, num_parallel_calls=3,
                                            deterministic=False))) == list(range(1, 8))


def test_map_exception_surfaces_with_user_traceback():
    def bad(x):
        raise KeyError("boom in user code")
    with pytest.raises(KeyError) as info:
        list(Dataset.range(3).map(bad))
    frames = [f.name for f in traceback.extract_tb(info.tb)]
    assert "bad" in frames
    with pytest.raises(KeyError):
        list(Dataset.range(3).map(bad, num_parallel_calls=2))


def test_filter():
    ds = Dataset.from_tensor_slices([1, 2, 3]).filter(lambda x: x < 3)
    assert vals(ds) == [1, 2]
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(ValueError):
        list(Dataset.range(2).filter(lambda x: x))


def test_take_skip_edge_cases():
    ds = Dataset.range(10)
    assert vals(ds.take(3)) == [0, 1, 2]
    assert vals(ds.take(-1)) == list(range(10))
    assert vals(ds.take(0)) == []
    assert vals(ds.take(20)) == list(range(10)) and len(ds.take(20)) == 10
    assert vals(ds.skip(7)) == [7, 8, 9]
    assert vals(ds.skip(-1)) == [] and len(ds.skip(-1)) == 0
    assert vals(ds.skip(20)) == [] and len(ds.skip(20)) == 0


def test_repeat_infinite_with_take_and_cardinality():
    ds = Dataset.from_tensor_slices([1, 2, 3])
    assert vals(ds.repeat(2)) == [1, 2, 3, 1, 2, 3]
    inf = ds.repeat()
    assert int(inf.cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(tf.data.experimental.cardinality(inf)) == -1
    with pytest.raises(TypeError):
        len(inf)
    assert vals(inf.take(7)) == [1, 2, 3, 1, 2, 3, 1]
    assert len(inf.take(7)) == 7
    assert vals(Dataset.range(0).repeat()) == []  # empty stays empty
    assert vals(ds.repeat(0)) == []
    with pytest.raises(TypeError):
        len(ds.filter(lambda x: True))


def test_shard():
    ds = Dataset.range(10)
    assert vals(ds.shard(3, 0)) == [0, 3, 6, 9]
    assert vals(ds.shard(3, 1)) == [1, 4, 7] and len(ds.shard(3, 1)) == 3
    assert vals(ds.shuffle(10, seed=1).repeat(2).shard(2, 1).take(3)) != []
    with pytest.raises(tf.errors.InvalidArgumentError):
        ds.shard(2, 2)


def test_enumerate():
    ds = Dataset.from_tensor_slices([7, 8, 9]).enumerate(start=5)
    got = [(int(i), int(v)) for i, v in ds]
    assert got == [(5, 7), (6, 8), (7, 9)]
    assert next(iter(ds))[0].dtype == tf.int64
    assert len(ds) == 3
    assert int(Dataset.range(2).repeat().enumerate().cardinality()) == -1


def test_flat_map_and_interleave_doc_examples():
    ds = Dataset.from_tensor_slices([[1, 2, 3], [4, 5, 6]]).flat_map(Dataset.from_tensor_slices)
    assert vals(ds) == [1, 2, 3, 4, 5, 6]
    ds = Dataset.range(1, 6).interleave(lambda x: Dataset.from_tensors(x).repeat(6),
                                        cycle_length=2, block_length=4)
    assert vals(ds) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3,
                        4, 4, 5, 5, 5, 5, 5, 5]
    with pytest.raises(TypeError):
        list(Dataset.range(2).flat_map(lambda x: x))


def test_scan_reduce_take_while_unique_apply():
    ds = Dataset.range(5)
    assert vals(ds.scan(tf.constant(0, dtype=tf.int64), lambda s, x: (s + x, s + x))) == \
        [0, 1, 3, 6, 10]
    assert int(ds.reduce(np.int64(0), lambda s, x: s + x)) == 10
    assert int(Dataset.range(0).reduce(np.int64(3), lambda s, x: s + x)) == 3
    assert vals(Dataset.range(10).take_while(lambda x: x < 5)) == [0, 1, 2, 3, 4]
    assert vals(Dataset.from_tensor_slices([1, 37, 2, 37, 2, 1]).unique()) == [1, 37, 2]
    s = Dataset.from_tensor_slices(["a", "b", "a"]).unique()
    assert list(s.as_numpy_iterator()) == [b"a", b"b"]
    assert vals(Dataset.range(100).apply(lambda d: d.filter(lambda x: x < 3))) == [0, 1, 2]
    with pytest.raises(TypeError):
        Dataset.from_tensor_slices([1.0]).unique()


def test_get_single_element():
    assert int(Dataset.from_tensors(5).get_single_element()) == 5
    with pytest.raises(tf.errors.InvalidArgumentError):
        Dataset.range(2).get_single_element()


def test_interleave_parallel_same_order(tmp_path):
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text("".join(f"{i}-{k}\n" for k in range(4)))
    files = Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    seq = files.interleave(tf.data.TextLineDataset, cycle_length=2, block_length=2)
    par = files.interleave(tf.data.TextLineDataset, cycle_length=2, block_length=2,
                           num_parallel_calls=tf.data.AUTOTUNE)
    expect = [b"0-0", b"0-1", b"1-0", b"1-1", b"0-2", b"0-3", b"1-2", b"1-3",
              b"2-0", b"2-1", b"2-2", b"2-3"]
    assert list(seq.as_numpy_iterator()) == expect
    assert list(par.as_numpy_iterator()) == expect
