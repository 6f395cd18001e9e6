"""CategoryEncoding: TF's documented outputs, count weights, sparse output, errors."""
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


def test_documented_examples():
    one_hot = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot([3, 2, 0, 1]).numpy(), np.eye(4)[[3, 2, 0, 1]])
    multi = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    np.testing.assert_array_equal(multi([[0, 1], [0, 0], [1, 2], [3, 1]]).numpy(),
                                  [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    count = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    np.testing.assert_allclose(
        count([[0, 1], [0, 0], [1, 2], [3, 1]], count_weights=weights).numpy(),
        [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]], rtol=1e-6)


def test_rank1_multi_hot_compiled_and_sparse():
    multi = keras.layers.CategoryEncoding(num_tokens=5, output_mode="count")
    np.testing.assert_array_equal(multi([1, 1, 4]).numpy(), [0, 2, 0, 0, 1])
    fn = tf.function(lambda x: multi(x))
    np.testing.assert_array_equal(fn(tf.constant([[0, 0], [4, 3]])).numpy(),
                                  [[2, 0, 0, 0, 0], [0, 0, 0, 1, 1]])
    sparse = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot", sparse=True)
    st = sparse([[0, 1], [3, 3]])
    assert isinstance(st, tf.SparseTensor)
    np.testing.assert_array_equal(tf.sparse.to_dense(st).numpy(), [[1, 1, 0, 0], [0, 0, 0, 1]])
    inp = keras.Input((2,), dtype="int32")
    assert multi(inp).shape.as_list() == [None, 5]


def test_errors():
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.CategoryEncoding(num_tokens=3, output_mode="bogus")
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_tokens=3"):
        keras.layers.CategoryEncoding(num_tokens=3)([[0, 3]])


def test_host_zeros_reuses_a_buffer_only_once_nothing_views_it():
    from tapeflow.keras.layers.preprocessing.category_encoding import host_zeros
    shape = (1100, 4096)  # > 16 MB: an mmap buffer
    a = host_zeros(shape)
    assert a.dtype == np.float32 and not a.any()
    a[:] = 7.0
    view = a[5:]
    del a
    b = host_zeros(shape)  # the old buffer is still viewed: a new one
    assert not b.any() and not np.shares_memory(b, view)
    assert (view == 7.0).all()
    del view
    b[:] = 3.0
    address = b.__array_interface__["data"][0]
    del b
    c = host_zeros(shape)  # nothing views the last buffer: it comes back zeroed
    assert not c.any()
    if sys.platform.startswith("linux"):  # mmaps resize (the view test) only with mremap
        assert c.__array_interface__["data"][0] == address
    small = host_zeros((4, 4), np.int64)
    assert small.dtype == np.int64 and not small.any()
