"""prefetch, cache, options, element_spec/iterators and the spec's MNIST pipeline."""
import time

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def test_spec_mnist_pipeline():
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 255, (300, 28, 28)).astype("uint8")
    y_train = rng.integers(0, 10, 300).astype("uint8")
    dataset = tf.data.Dataset.from_tensor_slices(
        (x_train.reshape(300, 784).astype("float32") / 255, y_train))
    dataset = dataset.shuffle(buffer_size=1024).batch(64)
    n, labels = 0, []
    for step, (x, y) in enumerate(dataset):
        assert isinstance(x, tf.Tensor) and x.dtype == tf.float32 and y.dtype == tf.uint8
        assert x.shape[1] == 784 and x.shape[0] == y.shape[0]
        n += x.shape[0]
        labels.extend(y.numpy().tolist())
    assert step == 4 and n == 300 and sorted(labels) == sorted(y_train.tolist())
    test = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(128)
    assert [b[0].shape[0] for b in test] == [128, 128, 44]


def test_prefetch_order_and_background_thread():
    def slow(x):
        time.sleep(0.002)
        return x
    ds = Dataset.range(20).map(slow).prefetch(tf.data.AUTOTUNE)
    assert [int(v) for v in ds] == list(range(20))
    assert [int(v) for v in Dataset.range(3).prefetch(0)] == [0, 1, 2]


def test_prefetch_propagates_errors_and_abandoned_iterator():
    def bad(x):
        raise ValueError("bad element")
    with pytest.raises(ValueError, match="bad element"):
        list(Dataset.range(3).map(bad).prefetch(2))
    it = iter(Dataset.range(10**6).prefetch(2))
    assert int(next(it)) == 0
    del it  # the producer thread stops


def test_cache_memory_and_file(tmp_path):
    calls = []

    def count(x):
        calls.append(1)
        return x
    ds = Dataset.range(4).map(count).cache()
    assert [int(v) for v in ds] == [0, 1, 2, 3]
    assert [int(v) for v in ds] == [0, 1, 2, 3]
    assert len(calls) == 4
    path = str(tmp_path / "c")
    f1 = Dataset.range(3).map(count).cache(path)
    assert [int(v) for v in f1] == [0, 1, 2]
    f2 = Dataset.range(3).map(count).cache(path)  # a new pipeline reads the file
    assert [int(v) for v in f2] == [0, 1, 2] and len(calls) == 7


def test_options():
    opts = tf.data.Options()
    opts.deterministic = False
    opts.threading.private_threadpool_size = 4
    ds = Dataset.range(3).with_options(opts).map(lambda x: x)
    assert ds.options().deterministic is False
    assert ds.options().threading.private_threadpool_size == 4
    with pytest.raises(AttributeError):
        opts.not_an_option = 1


def test_iterator_and_repr():
    ds = Dataset.from_tensor_slices(([1.0, 2.0], ["a", "b"]))
    it = iter(ds)
    x, s = it.get_next()
    assert float(x) == 1.0 and s.numpy().item() == b"a"
    assert it.element_spec == ds.element_spec
    assert "TensorSpec" in repr(ds)
    assert list(ds.as_numpy_iterator()) == [(1.0, b"a"), (2.0, b"b")]


def test_top_level_namespace():
    assert tf.data.Dataset is Dataset
    assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
    assert tf.data.experimental.AUTOTUNE == -1
