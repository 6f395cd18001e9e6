"""tf.data with composite tensors: slicing Ragged/Sparse tensors, ragged_batch, dense_to_ragged_batch."""
import numpy as np

import tapeflow as tf

ROWS = [[1, 2], [], [3, 4, 5], [6]]


def test_from_tensor_slices_of_ragged_rows_and_batches():
    ds = tf.data.Dataset.from_tensor_slices(tf.ragged.constant(ROWS))
    assert ds.element_spec == tf.TensorSpec([None], tf.int32)
    assert [x.numpy().tolist() for x in ds] == ROWS
    batches = [b.to_list() for b in ds.batch(3)]
    assert batches == [ROWS[:3], ROWS[3:]]
    paired = tf.data.Dataset.from_tensor_slices({"a": tf.ragged.constant(ROWS),
                                                 "b": tf.range(4)}).batch(2)
    first = next(iter(paired))
    assert first["a"].to_list() == ROWS[:2] and first["b"].numpy().tolist() == [0, 1]


def test_ragged_batch_of_variable_length_elements():
    ds = tf.data.Dataset.range(5).map(lambda n: tf.range(n))
    got = [b.to_list() for b in ds.ragged_batch(2)]
    assert got == [[list(range(n)) for n in ns] for ns in ([0, 1], [2, 3], [4])]
    spec = ds.ragged_batch(2, drop_remainder=True).element_spec
    assert spec == tf.RaggedTensorSpec([2, None], tf.int64, 1)
    dense = tf.data.Dataset.from_tensor_slices((tf.ragged.constant(ROWS),
                                                np.arange(8).reshape(4, 2)))
    r, d = next(iter(dense.apply(tf.data.experimental.dense_to_ragged_batch(3))))
    assert r.to_list() == ROWS[:3] and d.numpy().tolist() == [[0, 1], [2, 3], [4, 5]]


def test_sparse_slices_and_batches():
    dense = np.array([[1, 0], [0, 2], [3, 0]])
    ds = tf.data.Dataset.from_tensor_slices(tf.sparse.from_dense(dense))
    assert ds.element_spec == tf.SparseTensorSpec([2], tf.int64)  # NumPy ints are int64
    assert [tf.sparse.to_dense(x).numpy().tolist() for x in ds] == dense.tolist()
    got = [tf.sparse.to_dense(b).numpy().tolist() for b in ds.batch(2)]
    assert got == [dense[:2].tolist(), dense[2:].tolist()]
