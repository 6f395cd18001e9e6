"""Ops dispatched over RaggedTensors vs plain-Python/NumPy row-by-row references."""
import numpy as np
import pytest

import tapeflow as tf

ROWS = [[3.0, 1.0, 4.0], [], [1.0, 5.0], [9.0]]
NESTED = [[[1.0, 2.0], [3.0]], [], [[4.0, 5.0, 6.0], []]]


def _rt(rows=ROWS):
    return tf.ragged.constant(rows)


def _map(fn, rows):
    return [[fn(v) for v in r] for r in rows]


def test_unary_ops_map_values():
    np.testing.assert_allclose(tf.math.exp(_rt()).flat_values.numpy(),
                               np.exp([v for r in ROWS for v in r]), rtol=1e-6)
    assert tf.cast(_rt(), tf.int32).to_list() == _map(int, ROWS)
    assert (-_rt()).to_list() == _map(lambda v: -v, ROWS)
    assert tf.nn.relu(_rt() - 2.0).to_list() == _map(lambda v: max(v - 2.0, 0.0), ROWS)


def test_binary_ragged_and_dense_broadcasting():
    rt = _rt()
    assert (rt + rt).to_list() == _map(lambda v: 2 * v, ROWS)
    assert (rt * 2.0).to_list() == _map(lambda v: 2 * v, ROWS)
    assert (10.0 - rt).to_list() == _map(lambda v: 10 - v, ROWS)
    col = tf.constant([[1.0], [2.0], [3.0], [4.0]])
    assert (rt + col).to_list() == [[v + i + 1 for v in r] for i, r in enumerate(ROWS)]
    assert (col * rt).to_list() == [[v * (i + 1) for v in r] for i, r in enumerate(ROWS)]
    assert tf.maximum(rt, 3.5).to_list() == _map(lambda v: max(v, 3.5), ROWS)
    assert tf.equal(rt, 1.0).to_list() == _map(lambda v: v == 1.0, ROWS)


def test_inner_dense_dimension_broadcasts():
    rt = tf.RaggedTensor.from_row_splits(tf.reshape(tf.range(6.0), [3, 2]), [0, 2, 2, 3])
    out = rt * tf.constant([10.0, 100.0])
    assert out.to_list() == [[[0.0, 100.0], [20.0, 300.0]], [], [[40.0, 500.0]]]


def test_incompatible_shapes_name_op_and_shapes():
    rt = _rt()
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"identical ragged splits.*\(4, None\)"):
        rt + tf.ragged.constant([[1.0], [2.0], [3.0], [4.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"add.*\(4, None\).*\(4, 2\)"):
        rt + tf.ones([4, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="rows"):
        rt + tf.ones([3, 1])


@pytest.mark.parametrize("name, ref", [
    ("reduce_sum", lambda r: sum(r)), ("reduce_max", max), ("reduce_min", min),
    ("reduce_prod", lambda r: float(np.prod(r))), ("reduce_mean", lambda r: float(np.mean(r)))])
def test_row_reductions(name, ref):
    got = getattr(tf, name)(_rt(), axis=1).numpy()
    for g, r in zip(got, ROWS):
        if r:
            assert g == pytest.approx(ref(r), rel=1e-6)
    if name == "reduce_sum":
        assert got[1] == 0.0
    if name == "reduce_mean":
        assert np.isnan(got[1])


def test_column_and_total_reductions():
    width = max(len(r) for r in ROWS)
    cols = [[r[j] for r in ROWS if len(r) > j] for j in range(width)]
    np.testing.assert_allclose(tf.reduce_sum(_rt(), axis=0).numpy(), [sum(c) for c in cols])
    np.testing.assert_allclose(tf.reduce_max(_rt(), axis=0).numpy(), [max(c) for c in cols])
    assert tf.reduce_sum(_rt()).numpy() == sum(sum(r) for r in ROWS)
    assert tf.reduce_mean(_rt()).numpy() == pytest.approx(np.mean([v for r in ROWS for v in r]))
    assert tf.reduce_any(tf.greater(_rt(), 4.0), axis=1).numpy().tolist() == [
        any(v > 4 for v in r) for r in ROWS]


def test_ragged_rank_two_reductions():
    rt = tf.ragged.constant(NESTED)
    assert tf.reduce_sum(rt, axis=2).to_list() == [[sum(s) for s in r] for r in NESTED]
    # axis 1: sum the inner rows of each row position-wise
    ref1 = []
    for r in NESTED:
        width = max((len(s) for s in r), default=0)
        ref1.append([sum(s[k] for s in r if len(s) > k) for k in range(width)])
    assert tf.reduce_sum(rt, axis=1).to_list() == ref1
    assert tf.reduce_sum(rt, axis=[1, 2]).numpy().tolist() == [
        sum(sum(s) for s in r) for r in NESTED]


def test_concat_stack_gather_where_boolean_mask():
    a = tf.ragged.constant([[1, 2], [3]])
    b = tf.ragged.constant([[4], []])
    assert tf.concat([a, b], axis=0).to_list() == [[1, 2], [3], [4], []]
    assert tf.concat([a, b], axis=1).to_list() == [[1, 2, 4], [3]]
    c = tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)  # uniform last axis
    assert tf.concat([c, c * 10], axis=-1).to_list() == [
        [row + [v * 10 for v in row] for row in r] for r in c.to_list()]
    assert tf.ragged.stack([a, b], axis=0).to_list() == [[[1, 2], [3]], [[4], []]]
    assert tf.ragged.stack([a, b], axis=1).to_list() == [[[1, 2], [4]], [[3], []]]
    assert tf.stack([a, b]).to_list() == [[[1, 2], [3]], [[4], []]]
    assert tf.gather(_rt(), [3, 0, 0]).to_list() == [ROWS[3], ROWS[0], ROWS[0]]
    assert tf.gather(tf.constant([10, 20, 30]), tf.ragged.constant([[2], [], [0, 1]])).to_list() \
        == [[30], [], [10, 20]]
    rt = _rt()
    assert tf.where(rt > 2.0, rt, tf.zeros_like(rt)).to_list() == _map(
        lambda v: v if v > 2 else 0.0, ROWS)
    assert tf.ragged.boolean_mask(rt, rt > 2.0).to_list() == [[v for v in r if v > 2]
                                                             for r in ROWS]
    assert tf.ragged.boolean_mask(rt, [True, False, True, False]).to_list() == [ROWS[0], ROWS[2]]


def test_map_flat_values_and_add_n():
    rt = _rt()
    assert tf.ragged.map_flat_values(tf.multiply, rt, 10.0).to_list() == _map(
        lambda v: 10 * v, ROWS)
    assert tf.add_n([rt, rt, rt]).to_list() == _map(lambda v: 3 * v, ROWS)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.ragged.map_flat_values(tf.add, rt, tf.ragged.constant([[1.0]] * 4))


def test_gradient_of_row_reduction_vs_finite_differences():
    base = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0], np.float32)
    splits = [0, 3, 3, 5, 6]

    def f(values):
        rt = tf.RaggedTensor.from_row_splits(values, splits)
        return tf.reduce_sum(tf.square(tf.reduce_sum(tf.sin(rt), axis=1)))

    x = tf.Variable(base)
    with tf.GradientTape() as tape:
        y = f(x * 1.0)
    g = tape.gradient(y, x).numpy()
    eps = 1e-3
    fd = [(f(tf.constant(base + eps * np.eye(6, dtype=np.float32)[i])).numpy()
           - f(tf.constant(base - eps * np.eye(6, dtype=np.float32)[i])).numpy()) / (2 * eps)
          for i in range(6)]
    np.testing.assert_allclose(g, fd, rtol=2e-2, atol=2e-2)


def test_ragged_through_tf_function_and_nest():
    calls = []

    @tf.function
    def f(rt, k):
        calls.append(1)
        return tf.reduce_sum(rt * k, axis=1), rt + 1.0

    total, plus = f(_rt(), tf.constant(2.0))
    np.testing.assert_allclose(total.numpy(), [2 * sum(r) for r in ROWS])
    assert plus.to_list() == _map(lambda v: v + 1, ROWS)
    f(_rt(), tf.constant(3.0))
    assert len(calls) == 1  # same partition: no retrace

    @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.float32)])
    def g(x):
        return x * 2.0
    assert g(_rt()).to_list() == _map(lambda v: 2 * v, ROWS)
    with pytest.raises((TypeError, ValueError)):
        g(tf.ragged.constant([[1, 2]]))

    flat = tf.nest.flatten({"a": _rt()}, expand_composites=True)
    assert [t.numpy().tolist() for t in flat] == [[v for r in ROWS for v in r],
                                                  [0, 3, 3, 5, 6]]
    back = tf.nest.pack_sequence_as({"a": _rt()}, flat, expand_composites=True)
    assert back["a"].to_list() == ROWS
    leaves = tf.nest.flatten(_rt())
    assert len(leaves) == 1 and isinstance(leaves[0], tf.RaggedTensor)


def test_gradients_through_tf_function_with_ragged_argument():
    x = tf.Variable([1.0, 2.0, 3.0])

    @tf.function
    def row_sums(rt):
        return tf.reduce_sum(rt * 3.0, axis=1)

    with tf.GradientTape() as tape:
        rt = tf.RaggedTensor.from_row_splits(x * 1.0, [0, 2, 3])
        y = tf.reduce_sum(row_sums(rt) ** 2)
    # y = 9 (x0 + x1)^2 + 9 x2^2
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [54.0, 54.0, 54.0])
