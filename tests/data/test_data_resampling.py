"""Dataset.sparse_batch / dense_to_sparse_batch and rejection_resample."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def _ragged_source(rows):
    return Dataset.from_generator(lambda: iter(rows),
                                  output_signature=tf.TensorSpec([None], tf.int32))


def test_sparse_batch_keeps_every_entry():
    rows = [[1], [2, 3], [4, 5, 6]]
    got = list(_ragged_source(rows).sparse_batch(2, [4]))
    dense = [tf.sparse.to_dense(st).numpy().tolist() for st in got]
    assert dense == [[[1, 0, 0, 0], [2, 3, 0, 0]], [[4, 5, 6, 0]]]
    assert got[0].indices.numpy().tolist() == [[0, 0], [1, 0], [1, 1]]
    assert got[0].dense_shape.numpy().tolist() == [2, 4]
    grown = next(iter(_ragged_source(rows).apply(
        tf.data.experimental.dense_to_sparse_batch(3, [-1]))))
    assert grown.dense_shape.numpy().tolist() == [3, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="larger than row_shape"):
        list(_ragged_source(rows).sparse_batch(3, [2]))


def test_rejection_resample_follows_target_distribution():
    target = np.array([0.6, 0.3, 0.1])
    ds = Dataset.range(3000).rejection_resample(
        lambda x: tf.cast(x % 3, tf.int32), target, initial_dist=[1 / 3] * 3, seed=4)
    classes = np.array([int(c) for c, _ in ds.as_numpy_iterator()])
    freq = np.bincount(classes, minlength=3) / len(classes)
    np.testing.assert_allclose(freq, target, atol=0.04)
    # every kept element is paired with its own class
    pairs = list(Dataset.range(30).rejection_resample(
        lambda x: tf.cast(x % 3, tf.int32), target, seed=1).as_numpy_iterator())
    assert all(int(c) == int(x) % 3 for c, x in pairs)
    online = Dataset.range(3000).apply(tf.data.experimental.rejection_resample(
        lambda x: tf.cast(x % 3, tf.int32), target, seed=2))
    freq = np.bincount([int(c) for c, _ in online.as_numpy_iterator()], minlength=3)
    np.testing.assert_allclose(freq / freq.sum(), target, atol=0.04)
