"""tf.experimental.DynamicRaggedShape / RowPartition and the shape ops that take them,
against row-by-row Python references, the TF docs' examples and (when installed) TF."""
import json

import numpy as np
import pytest

import tapeflow as tf
from tf_peer import tf_eval

DRS = tf.experimental.DynamicRaggedShape
RP = tf.experimental.RowPartition


def test_shape_of_ragged_is_dynamic_ragged_shape():
    rt = tf.ragged.constant([[1], [2, 3, 4], [], [5, 6]])
    s = tf.shape(rt)
    assert isinstance(s, DRS)
    assert repr(s) == "<DynamicRaggedShape lengths=[4, (1, 3, 0, 2)] num_row_partitions=1>"
    assert s.dtype == tf.int32 and tf.shape(rt, out_type=tf.int64).dtype == tf.int64
    assert (s.num_row_partitions, s.rank, s.inner_rank) == (1, 2, 1)
    assert s.inner_shape.numpy().tolist() == [6]
    assert s.row_partitions[0].row_splits().numpy().tolist() == [0, 1, 4, 4, 6]
    assert int(s[0]) == 4
    with pytest.raises(ValueError, match="Index 1 is not uniform"):
        s[1]
    assert s[:1].static_lengths() == [4] and s[:1].num_row_partitions == 0
    assert s._to_tensor_shape().as_list() == [4, None]
    # dense tensors keep tf.shape's vector
    assert tf.shape(tf.zeros([2, 3])).numpy().tolist() == [2, 3]


def test_from_lengths_docs_table():
    # The table in the DynamicRaggedShape docs: (lengths, row partitions' lengths, inner shape)
    cases = [([2, 3], [], [2, 3]), ([3, (2, 0, 3)], [[2, 0, 3]], [5]),
             ([2, (2, 1), 2], [[2, 1]], [3, 2]), ([2, (2, 1), (2, 1, 2)], [[2, 1], [2, 1, 2]], [5])]
    for lengths, partitions, inner in cases:
        s = DRS.from_lengths(lengths)
        assert [rp.row_lengths().numpy().tolist() for rp in s.row_partitions] == partitions
        assert s.inner_shape.numpy().tolist() == inner
        assert s.static_lengths() == lengths and s.rank == len(lengths)
    s = DRS.from_lengths([2, 3], num_row_partitions=1)
    assert s.num_row_partitions == 1 and s.is_uniform(1) and int(s[1]) == 3
    assert s.row_partitions[0].static_uniform_row_length == 3
    with pytest.raises(ValueError, match="not consistent"):
        DRS.from_lengths([2, (3, 4, 5)])
    with pytest.raises(IndexError):
        DRS.from_lengths([2, (3, 4), 5])[5]
    assert DRS.from_lengths([2, (2, 1)], dtype=tf.int32).dtype == tf.int32


def test_constructor_from_tensor_and_row_partitions():
    s = DRS(row_partitions=[RP.from_row_lengths([5, 3, 2])], inner_shape=[10, 8])
    assert s.static_lengths() == [3, (5, 3, 2), 8]
    d = DRS.from_tensor(tf.zeros([2, 3]))
    assert (d.num_row_partitions, d.rank, int(d[1])) == (0, 2, 3)
    rt = tf.ragged.constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1)
    r = DRS.from_tensor(rt)
    assert r.static_lengths() == [2, (1, 2), 2] and int(r[2]) == 2
    p = DRS.from_row_partitions([RP.from_row_lengths([2, 1]), RP.from_row_lengths([1, 0, 2])])
    assert p.static_lengths() == [2, (2, 1), (1, 0, 2)]
    assert d._with_num_row_partitions(1).num_row_partitions == 1
    w = DRS.from_lengths([2, (2, 1), 3]).with_dtype(tf.int32)
    assert w.row_partitions[0].row_splits().dtype == tf.int32


def test_row_partition_accessors():
    rp = RP.from_row_lengths([1, 2])
    assert rp.offsets_in_rows().numpy().tolist() == [0, 0, 1]
    assert (rp.static_nrows, rp.static_nvals, rp.is_uniform()) == (2, 3, False)
    assert rp.uniform_row_length() is None
    u = RP.from_uniform_row_length(3, 6)
    assert repr(u) == "tf.RowPartition(nrows=2, uniform_row_length=3)"
    assert int(u.uniform_row_length()) == 3
    assert RP.from_row_starts([0, 1], 3).row_splits().numpy().tolist() == [0, 1, 3]
    assert RP.from_row_limits([1, 3]).row_splits().numpy().tolist() == [0, 1, 3]


def test_guide_dynamic_shape_ops():
    x = tf.constant([["a", "b"], ["c", "d"], ["e", "f"]])
    rt_shape = tf.shape(tf.ragged.constant([[1], [2, 3, 4], [], [5, 6]]))
    assert tf.reshape(x, rt_shape).to_list() == [[b"a"], [b"b", b"c", b"d"], [], [b"e", b"f"]]
    assert tf.zeros(rt_shape).to_list() == [[0.0], [0.0] * 3, [], [0.0] * 2]
    assert tf.ones(rt_shape, tf.int32).to_list() == [[1], [1] * 3, [], [1] * 2]
    assert tf.fill(rt_shape, "x").to_list() == [[b"x"], [b"x"] * 3, [], [b"x"] * 2]
    dense = tf.ones(DRS.from_lengths([2, 3]))
    assert isinstance(dense, tf.Tensor) and dense.shape == (2, 3)
    assert tf.reshape(tf.ragged.constant([[1, 2], [3, 4, 5, 6]]),
                      DRS.from_lengths([3, (1, 2, 3)])).to_list() == [[1], [2, 3], [4, 5, 6]]


def _broadcast_reference(x, lengths):
    """Row-by-row: element [i, j, k] of the result is x[i', j', k'] (size-1 axes pinned)."""
    x = np.asarray(x)
    x = x.reshape((1,) * (3 - x.ndim) + x.shape)
    n0, rows, width = lengths
    return [[[x[i if x.shape[0] > 1 else 0, j if x.shape[1] > 1 else 0,
                k if x.shape[2] > 1 else 0].item() for k in range(width)]
             for j in range(rows[i])] for i in range(n0)]


@pytest.mark.parametrize("x", [[1, 2, 3], [[[10]], [[20]]], 7, [[[1, 2, 3]]]])
def test_broadcast_to_ragged_shape_matches_row_reference(x):
    lengths = [2, (1, 2), 3]
    out = tf.broadcast_to(tf.constant(x), DRS.from_lengths(lengths))
    assert out.to_list() == _broadcast_reference(x, lengths)


def test_broadcast_to_ragged_input_and_errors():
    rt = tf.ragged.constant([[[1]], [[2], [3]]], ragged_rank=1)
    assert tf.broadcast_to(rt, DRS.from_lengths([2, (1, 2), 3])).to_list() == \
        [[[1, 1, 1]], [[2, 2, 2], [3, 3, 3]]]
    assert tf.broadcast_to(tf.constant([[5], [6]]), tf.shape(tf.ragged.constant(
        [[1, 2], [3]]))).to_list() == [[5, 5], [6]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot broadcast"):
        tf.broadcast_to(tf.constant([[1, 2]]), DRS.from_lengths([2, (1, 2), 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot broadcast"):
        tf.broadcast_to(tf.ragged.constant([[1], [2, 3]]), DRS.from_lengths([2, (1, 2), 3]))


def test_broadcast_to_gradient_sums_over_copies():
    x = tf.constant([[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]])  # [2, 1, 3] -> [2, (1, 2), 3]
    shape = DRS.from_lengths([2, (1, 2), 3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.broadcast_to(x, shape)
        loss = tf.reduce_sum(y.flat_values * y.flat_values)
    grad = tape.gradient(loss, x).numpy()
    # finite differences of the same loss, computed row by row
    def f(a):
        return sum(a[i, 0, k] ** 2 for i, n in enumerate((1, 2)) for _ in range(n)
                   for k in range(3))
    x0, eps = x.numpy(), 1e-3
    fd = np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        d = np.zeros_like(x0)
        d[idx] = eps
        fd[idx] = (f(x0 + d) - f(x0 - d)) / (2 * eps)
    np.testing.assert_allclose(grad, fd, rtol=1e-3)


def test_shape_ops_inside_tf_function():
    @tf.function
    def f(rt):
        return tf.ones(tf.shape(rt), tf.float32) + tf.cast(rt, tf.float32)

    rt = tf.ragged.constant([[1, 2], [3]])
    assert f(rt).to_list() == [[2.0, 3.0], [4.0]]


_SETUP = """
DRS = tf.experimental.DynamicRaggedShape
rt = tf.ragged.constant([[1], [2, 3, 4], [], [5, 6]])
s = tf.shape(rt)
"""
_CASES = {  # evaluated by tapeflow here and by TensorFlow in its own process
    "repr": "repr(s)", "dtype": "s.dtype.name", "lengths": "str(s.static_lengths())",
    "from_lengths": "repr(DRS.from_lengths([2, (2, 1), (1, 2, 3)]))",
    "uniform": "repr(DRS.from_lengths([2, 3], num_row_partitions=1))",
    "inner": "DRS.from_lengths([2, (2, 1), 3]).inner_shape.numpy().tolist()",
    "bcast": "tf.broadcast_to([[1, 2, 3]], DRS.from_lengths([2, (1, 2), 3])).to_list()",
    "bcast2": "tf.broadcast_to([[[10]], [[20]]], DRS.from_lengths([2, (1, 2), 3])).to_list()",
    "ones": "tf.ones(s, tf.int32).to_list()", "prefix": "repr(s[:1])",
    "nested": "tf.broadcast_to([[[7]], [[8]]], DRS.from_lengths([2, (2, 1), (1, 2, 3)])).to_list()",
    "nested_ones": "tf.ones(DRS.from_lengths([2, (2, 1), (1, 0, 3), 2]), tf.int32).to_list()",
}
_TF_CODE = _SETUP + f"print(json.dumps({{k: eval(v) for k, v in {_CASES!r}.items()}}))"


def test_against_tensorflow():
    ref, scope = tf_eval(_TF_CODE), {"tf": tf}
    exec(_SETUP, scope)
    assert json.loads(json.dumps({k: eval(v, scope) for k, v in _CASES.items()})) == ref
