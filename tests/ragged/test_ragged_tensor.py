"""RaggedTensor construction, conversion and indexing vs plain-Python references."""
import numpy as np
import pytest

import tapeflow as tf

ROWS = [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
NESTED = [[[1, 2], [3]], [], [[4, 5, 6], []]]


def _pad(rows, width, fill=0):
    return [r + [fill] * (width - len(r)) for r in rows]


def test_factories_agree_with_python_rows():
    flat = [v for r in ROWS for v in r]
    lengths = [len(r) for r in ROWS]
    splits = np.concatenate([[0], np.cumsum(lengths)])
    rowids = [i for i, r in enumerate(ROWS) for _ in r]
    for rt in (tf.RaggedTensor.from_row_splits(flat, splits),
               tf.RaggedTensor.from_row_lengths(flat, lengths),
               tf.RaggedTensor.from_value_rowids(flat, rowids, nrows=5),
               tf.ragged.constant(ROWS)):
        assert rt.to_list() == ROWS
        assert rt.row_splits.numpy().tolist() == splits.tolist()
        assert rt.row_splits.dtype == tf.int64
        assert rt.shape.as_list() == [5, None]
        assert rt.ragged_rank == 1 and rt.dtype == tf.int32
        assert rt.row_lengths().numpy().tolist() == lengths
        assert rt.value_rowids().numpy().tolist() == rowids
        assert rt.bounding_shape().numpy().tolist() == [5, 4]


def test_nested_ragged_rank_two():
    rt = tf.ragged.constant(NESTED)
    assert rt.ragged_rank == 2 and rt.shape.rank == 3
    assert rt.to_list() == NESTED
    outer, inner = rt.nested_row_splits
    assert outer.numpy().tolist() == [0, 2, 2, 4]
    assert inner.numpy().tolist() == [0, 2, 3, 6, 6]
    again = tf.RaggedTensor.from_nested_row_splits(rt.flat_values, rt.nested_row_splits)
    assert again.to_list() == NESTED
    dense = rt.to_tensor(default_value=-1).numpy()
    ref = np.full((3, 2, 3), -1)
    for i, row in enumerate(NESTED):
        for j, sub in enumerate(row):
            ref[i, j, :len(sub)] = sub
    np.testing.assert_array_equal(dense, ref)


def test_to_tensor_default_and_shape():
    rt = tf.ragged.constant(ROWS)
    np.testing.assert_array_equal(rt.to_tensor().numpy(), _pad(ROWS, 4))
    np.testing.assert_array_equal(rt.to_tensor(default_value=7, shape=[6, 2]).numpy(),
                                  [r[:2] for r in _pad(ROWS, 4, 7)] + [[7, 7]])


def test_empty_rows_and_zero_size_values():
    rt = tf.ragged.constant([[], []], dtype=tf.float32)
    assert rt.to_tensor().shape.as_list() == [2, 0]
    assert rt.to_list() == [[], []]
    assert tf.reduce_sum(rt, axis=1).numpy().tolist() == [0.0, 0.0]
    empty = tf.RaggedTensor.from_row_splits(tf.zeros([0]), [0])
    assert empty.shape.as_list() == [0, None] and empty.to_list() == []


def test_from_tensor_and_sparse_roundtrip():
    dense = np.array([[1, 2, 0], [0, 0, 0], [3, 0, 0]])
    rt = tf.RaggedTensor.from_tensor(dense, padding=0)
    assert rt.to_list() == [[1, 2], [], [3]]
    assert tf.RaggedTensor.from_tensor(dense, lengths=[1, 0, 3]).to_list() == [
        [1], [], [3, 0, 0]]
    st = rt.to_sparse()
    assert st.indices.numpy().tolist() == [[0, 0], [0, 1], [2, 0]]
    assert st.dense_shape.numpy().tolist() == [3, 2]
    assert tf.RaggedTensor.from_sparse(st).to_list() == rt.to_list()
    uniform = tf.RaggedTensor.from_uniform_row_length(tf.range(6), 3)
    assert uniform.shape.as_list() == [2, 3] and uniform.to_list() == [[0, 1, 2], [3, 4, 5]]


def test_strings():
    rt = tf.ragged.constant([["a", "bc"], []])
    assert rt.dtype == tf.string
    assert rt.to_list() == [[b"a", b"bc"], []]
    assert rt.to_tensor().numpy().tolist() == [[b"a", b"bc"], [b"", b""]]


def test_indexing_matches_python():
    rt = tf.ragged.constant(ROWS)
    assert rt[2].numpy().tolist() == ROWS[2]
    assert rt[-1].numpy().tolist() == ROWS[-1]
    assert rt[1:4].to_list() == ROWS[1:4]
    assert rt[::2].to_list() == ROWS[::2]
    assert rt[:, :2].to_list() == [r[:2] for r in ROWS]
    assert rt[:, 1:].to_list() == [r[1:] for r in ROWS]
    assert rt[0, 2].numpy() == ROWS[0][2]
    r2 = tf.ragged.constant(NESTED)
    assert r2[2][0].numpy().tolist() == [4, 5, 6]
    assert r2[:, :, :1].to_list() == [[s[:1] for s in r] for r in NESTED]
    with pytest.raises(tf.errors.InvalidArgumentError):
        rt[:, 0]  # row 1 is empty


@pytest.mark.parametrize("splits, what", [([1, 2, 3], "start with 0"),
                                          ([0, 3, 2, 3], "ascending"),
                                          ([0, 1], "last row split")])
def test_invalid_row_splits(splits, what):
    with pytest.raises(tf.errors.InvalidArgumentError, match=what):
        tf.RaggedTensor.from_row_splits([1, 2, 3], splits)


def test_segment_ids_conversions():
    assert tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy().tolist() == [0, 0, 2]
    assert tf.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy().tolist() == [0, 2, 2, 3]
    assert tf.ragged.segment_ids_to_row_splits([0, 0], num_segments=3).numpy().tolist() == [
        0, 2, 2, 2]


def test_range_and_spec():
    assert tf.ragged.range([3, 0, 2]).to_list() == [list(range(3)), [], list(range(2))]
    assert tf.ragged.range([0, 5], [3, 8], 2).to_list() == [[0, 2], [5, 7]]
    spec = tf.RaggedTensorSpec.from_value(tf.ragged.constant(NESTED))
    assert spec == tf.RaggedTensorSpec([3, None, None], tf.int32, 2)
    assert spec.is_compatible_with(tf.ragged.constant([[[1]], [], [[2]]]))
    assert not spec.is_compatible_with(tf.ragged.constant([[1.0]]))


def test_gradient_through_to_tensor_matches_finite_differences():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0])
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], np.float32)

    def f(values):
        rt = tf.RaggedTensor.from_row_splits(values, [0, 2, 2, 4])
        return tf.reduce_sum(rt.to_tensor(shape=[3, 3]) * w)

    with tf.GradientTape() as tape:
        y = f(x * 1.0)
    g = tape.gradient(y, x).numpy()
    eps, base = 1e-2, x.numpy()
    fd = [(f(tf.constant(base + eps * np.eye(4)[i], tf.float32)).numpy()
           - f(tf.constant(base - eps * np.eye(4)[i], tf.float32)).numpy()) / (2 * eps)
          for i in range(4)]
    np.testing.assert_allclose(g, fd, rtol=1e-3)
