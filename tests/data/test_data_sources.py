"""Dataset sources vs TF's documented behaviour."""
import collections

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset, TensorSpec


def values(ds):
    return [np.asarray(v).tolist() if not isinstance(v, (tuple, dict)) else v
            for v in ds.as_numpy_iterator()]


def test_from_tensor_slices_scalar_list():
    ds = Dataset.from_tensor_slices([1, 2, 3])
    got = list(ds)
    assert all(isinstance(t, tf.Tensor) for t in got)
    assert [int(t) for t in got] == [1, 2, 3]
    assert got[0].dtype == tf.int32 and got[0].shape == ()
    assert ds.element_spec == TensorSpec([], tf.int32)
    assert len(ds) == 3 and int(ds.cardinality()) == 3


def test_from_tensor_slices_tuple_and_dict():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([0, 1, 0, 1], dtype=np.int64)
    ds = Dataset.from_tensor_slices((x, y))
    elems = list(ds)
    assert len(elems) == 4
    np.testing.assert_array_equal(elems[2][0].numpy(), x[2])
    assert int(elems[2][1]) == 0 and elems[2][1].dtype == tf.int64
    d = Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0], [2.0]]})
    first = next(iter(d))
    assert set(first) == {"a", "b"} and first["b"].shape == (1,)
    assert d.element_spec["b"] == TensorSpec([1], tf.float32)


def test_from_tensor_slices_namedtuple_and_tensors():
    P = collections.namedtuple("P", "x y")
    ds = Dataset.from_tensor_slices(P(tf.constant([1, 2]), np.array([3.0, 4.0])))
    e = list(ds)[1]
    assert isinstance(e, P) and int(e.x) == 2 and float(e.y) == 4.0


def test_from_tensor_slices_mismatched_first_dim():
    with pytest.raises(tf.errors.InvalidArgumentError):
        Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))


def test_from_tensor_slices_empty():
    ds = Dataset.from_tensor_slices(np.zeros((0, 3), np.float32))
    assert list(ds) == [] and len(ds) == 0
    assert list(ds.batch(2)) == []


def test_from_tensors():
    ds = Dataset.from_tensors(([1, 2, 3], "A"))
    (a, b), = list(ds)
    assert a.numpy().tolist() == [1, 2, 3] and b.dtype == tf.string
    assert list(ds.as_numpy_iterator())[0][1] == b"A"
    assert len(ds) == 1


def test_range_forms():
    assert values(Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(Dataset.range(2, 5)) == [2, 3, 4]
    assert values(Dataset.range(1, 5, 2)) == [1, 3]
    assert values(Dataset.range(1, 5, -2)) == []
    assert values(Dataset.range(5, 1, -2)) == [5, 3]
    assert Dataset.range(3).element_spec.dtype == tf.int64
    assert next(iter(Dataset.range(2, 5, output_type=tf.int32))).dtype == tf.int32


def test_from_generator_signature_and_reiteration():
    def gen():
        for i in range(3):
            yield i, [1] * i
    ds = Dataset.from_generator(gen, output_signature=(
        TensorSpec(shape=(), dtype=tf.int32), TensorSpec(shape=(None,), dtype=tf.int32)))
    first = [(int(a), b.numpy().tolist()) for a, b in ds]
    assert first == [(0, []), (1, [1]), (2, [1, 1])]
    assert [(int(a), b.numpy().tolist()) for a, b in ds] == first  # generator re-called
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_from_generator_types_shapes_and_args():
    def gen(n):
        for i in range(int(n)):
            yield np.full((2,), i)
    ds = Dataset.from_generator(gen, output_types=tf.float32, output_shapes=(2,), args=(3,))
    got = list(ds)
    assert got[2].dtype == tf.float32 and got[2].numpy().tolist() == [2.0, 2.0]


def test_from_generator_shape_mismatch_and_exhausted():
    ds = Dataset.from_generator(lambda: iter([[1, 2, 3]]),
                                output_signature=TensorSpec([2], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError):
        list(ds)
    it = iter(Dataset.from_generator(lambda: iter([1]), output_signature=TensorSpec([], tf.int32)))
    assert int(next(it)) == 1
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    with pytest.raises(TypeError):
        Dataset.from_generator(lambda: iter([1]))


def test_zip_and_concatenate():
    a, b = Dataset.range(1, 4), Dataset.range(4, 7)
    assert values(Dataset.zip((a, b))) == [(1, 4), (2, 5), (3, 6)]
    assert values(Dataset.zip(a, b)) == [(1, 4), (2, 5), (3, 6)]
    c = Dataset.range(7, 13).batch(2)
    z = list(Dataset.zip((a, b, c)))
    assert len(z) == 3 and z[0][2].numpy().tolist() == [7, 8]
    assert len(Dataset.zip((a, Dataset.range(2)))) == 2  # shortest
    assert values(a.concatenate(b)) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(TypeError):
        a.concatenate(Dataset.from_tensor_slices([1.0]))


def test_list_files_and_text_lines(tmp_path):
    for name, text in (("a.txt", "x\ny\n"), ("b.txt", "z\r\nw")):
        (tmp_path / name).write_text(text)
    files = Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert [f.decode().rsplit("/", 1)[-1] for f in files.as_numpy_iterator()] == ["a.txt", "b.txt"]
    shuffled = Dataset.list_files(str(tmp_path / "*.txt"), seed=3)
    assert sorted(shuffled.as_numpy_iterator()) == sorted(files.as_numpy_iterator())
    lines = tf.data.TextLineDataset([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert list(lines.as_numpy_iterator()) == [b"x", b"y", b"z", b"w"]
    assert next(iter(lines)).dtype == tf.string
    from_ds = tf.data.TextLineDataset(files)
    assert len(list(from_ds)) == 4
    with pytest.raises(tf.errors.InvalidArgumentError):
        Dataset.list_files(str(tmp_path / "*.nothing"))
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.data.TextLineDataset(str(tmp_path / "missing.txt")))


def test_choose_from_datasets_doc_example():
    datasets = [Dataset.from_tensors("foo").repeat(), Dataset.from_tensors("bar").repeat(),
                Dataset.from_tensors("baz").repeat()]
    choice = Dataset.range(3).repeat(3)
    got = list(Dataset.choose_from_datasets(datasets, choice).as_numpy_iterator())
    assert got == [b"foo", b"bar", b"baz"] * 3


def test_sample_from_datasets_weights_and_seed():
    a = Dataset.from_tensors(0).repeat(400)
    b = Dataset.from_tensors(1).repeat(400)
    ds = Dataset.sample_from_datasets([a, b], weights=[0.25, 0.75], seed=7)
    got = np.array(list(ds.take(400).as_numpy_iterator()))
    assert abs(got.mean() - 0.75) < 0.08
    again = np.array(list(Dataset.sample_from_datasets([a, b], weights=[0.25, 0.75], seed=7)
                          .take(400).as_numpy_iterator()))
    np.testing.assert_array_equal(got, again)
    full = list(Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(3, 5)], seed=1)
                .as_numpy_iterator())
    assert sorted(full) == [0, 1, 2, 3, 4]
