"""tf.IndexedSlices, tf.sparse.mask/bincount/eye/split/segment_* vs NumPy references,
jax.grad for gradients, and (when installed) TensorFlow."""
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tf_peer import tf_eval


def _sp(x):
    return (x.indices.numpy().tolist(), x.values.numpy().tolist(),
            x.dense_shape.numpy().tolist())


def test_indexed_slices_densify_and_spec():
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    idx = np.array([2, 0, 2])
    s = tf.IndexedSlices(tf.constant(values), tf.constant(idx), tf.constant([4, 2]))
    ref = np.zeros((4, 2), np.float32)
    np.add.at(ref, idx, values)  # repeated indices add up
    np.testing.assert_array_equal(tf.convert_to_tensor(s).numpy(), ref)
    np.testing.assert_array_equal(tf.add(s, 1.0).numpy(), ref + 1)
    np.testing.assert_array_equal(tf.convert_to_tensor(-s).numpy(), -ref)
    assert s.shape == (4, 2) and s.dtype == tf.float32
    assert tf.IndexedSlices(tf.constant(values), tf.constant(idx)).shape.as_list() == [None, 2]
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.constant(values), tf.constant(idx)))
    assert repr(tf.IndexedSlicesSpec(shape=[3, 2], dtype=tf.float32)) == (
        "IndexedSlicesSpec(TensorShape([3, 2]), tf.float32, tf.int64, None, "
        "TensorShape([None]))")
    assert s._type_spec == tf.IndexedSlicesSpec([4, 2], tf.float32, tf.int64, tf.int32, [3])
    parts = tf.nest.flatten(s, expand_composites=True)
    assert [p.shape.as_list() for p in parts] == [[3, 2], [3], [2]]


def test_indexed_slices_gradient_and_tf_function():
    values = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, -1.0], [2.0, 0.5], [3.0, 1.0]], np.float32)

    def loss(v):
        dense = tf.convert_to_tensor(tf.IndexedSlices(v, tf.constant([2, 0]),
                                                      tf.constant([3, 2])))
        return tf.reduce_sum(dense * dense * w)

    with tf.GradientTape() as tape:
        tape.watch(values)
        y = loss(values)
    ref = jax.grad(lambda v: jnp.sum(jnp.zeros((3, 2)).at[jnp.array([2, 0])].add(v) ** 2 * w))
    np.testing.assert_allclose(tape.gradient(y, values).numpy(), ref(values.numpy()),
                               rtol=1e-6)

    @tf.function
    def f(s):
        return tf.convert_to_tensor(s) * 2.0

    out = f(tf.IndexedSlices(values, tf.constant([1, 0]), tf.constant([2, 2])))
    np.testing.assert_array_equal(out.numpy(), [[6.0, 8.0], [2.0, 4.0]])


def test_sparse_mask_drops_listed_indices():
    a = tf.IndexedSlices(tf.constant([[-2], [0], [1], [3]]), tf.constant([12, 26, 37, 45]))
    m = tf.sparse.mask(a, tf.constant([12, 45]))
    assert m.indices.numpy().tolist() == [26, 37] and m.values.numpy().tolist() == [[0], [1]]


def _bincount_ref(rows, minlength=0, maxlength=None, weights=None, binary=False):
    """Row-by-row dictionaries of value -> count/weight sum."""
    out = []
    for r, row in enumerate(rows):
        counts = {}
        for k, v in enumerate(row):
            if maxlength is not None and v >= maxlength:
                continue
            counts[v] = counts.get(v, 0) + (1 if weights is None else weights[r][k])
        out.append({v: (1 if binary else c) for v, c in counts.items()})
    return out


@pytest.mark.parametrize("kwargs", [{}, {"binary_output": True}, {"maxlength": 3},
                                    {"minlength": 9}])
def test_bincount_per_row_matches_reference(kwargs):
    rows = [[1, 1, 2], [5, 5, 0], [7, 0, 0]]
    st = tf.sparse.bincount(rows, axis=-1, **kwargs)
    ref = _bincount_ref(rows, maxlength=kwargs.get("maxlength"),
                        binary=kwargs.get("binary_output", False))
    got = [{} for _ in rows]
    for (r, v), c in zip(st.indices.numpy().tolist(), st.values.numpy().tolist()):
        got[r][v] = c
    assert got == ref
    width = max(8, kwargs.get("minlength", 0))
    width = min(width, kwargs.get("maxlength", width))
    assert st.dense_shape.numpy().tolist() == [3, width]


def test_bincount_weights_ragged_sparse_and_flat():
    weights = [[0.5, 1.0, 2.0], [1.0, 1.0, 3.0]]
    st = tf.sparse.bincount([[1, 1, 2], [5, 5, 0]], weights=weights, axis=-1)
    np.testing.assert_allclose(tf.sparse.to_dense(st).numpy(),
                               [[0, 1.5, 2, 0, 0, 0], [3, 0, 0, 0, 0, 2]])
    assert _sp(tf.sparse.bincount([[1, 1, 2], [5, 5, 0]])) == ([[0], [1], [2], [5]],
                                                              [1, 2, 1, 2], [6])
    rt = tf.ragged.constant([[1, 1], [], [3]])
    assert _sp(tf.sparse.bincount(rt, axis=-1)) == ([[0, 1], [2, 3]], [2, 1], [3, 4])
    sp = tf.sparse.from_dense([[1, 0, 2], [0, 2, 2]])
    assert _sp(tf.sparse.bincount(sp, axis=-1)) == ([[0, 1], [0, 2], [1, 2]], [1, 1, 2],
                                                    [2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.sparse.bincount([1, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="2-dimensional"):
        tf.sparse.bincount([[[1, 1], [2, 0]]], axis=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="int32 or int64"):
        tf.sparse.bincount([1.0, 2.0])


def test_eye():
    for rows, cols in [(3, None), (2, 4), (4, 2)]:
        dense = tf.sparse.to_dense(tf.sparse.eye(rows, cols, dtype=tf.int32)).numpy()
        np.testing.assert_array_equal(dense, np.eye(rows, cols, dtype=np.int32))


def test_split_matches_numpy_array_split_and_passes_gradients():
    dense = np.array([[1, 0, 2, 0, 0], [0, 3, 0, 0, 4], [0, 0, 0, 5, 0]], np.float32)
    st = tf.sparse.from_dense(dense)
    for axis, n in [(1, 2), (0, 3), (1, 3), (-1, 5)]:
        pieces = tf.sparse.split(sp_input=st, num_split=n, axis=axis)
        ref = np.array_split(dense, n, axis=axis)  # the first dim % n pieces are bigger
        for p, r in zip(pieces, ref):
            np.testing.assert_array_equal(tf.sparse.to_dense(p).numpy(), r)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_split"):
        tf.sparse.split(st, 4, axis=0)
    values = st.values
    with tf.GradientTape() as tape:
        tape.watch(values)
        parts = tf.sparse.split(tf.SparseTensor(st.indices, values, st.dense_shape), 2, 1)
        y = tf.reduce_sum(parts[1].values * 3.0) + tf.reduce_sum(parts[0].values)
    # entries in columns 0..2 go to piece 0 (weight 1), columns 3..4 to piece 1 (weight 3)
    cols = st.indices.numpy()[:, 1]
    np.testing.assert_array_equal(tape.gradient(y, values).numpy(), np.where(cols < 3, 1, 3))


def _segment_ref(data, indices, ids, n, kind):
    out = np.zeros((n,) + data.shape[1:], np.float64)
    counts = np.zeros(n)
    for i, s in zip(indices, ids):
        out[s] += data[i]
        counts[s] += 1
    c = np.maximum(counts, 1).reshape((n,) + (1,) * (data.ndim - 1))
    return {"sum": out, "mean": out / c, "sqrt_n": out / np.sqrt(c)}[kind]


@pytest.mark.parametrize("kind", ["sum", "mean", "sqrt_n"])
def test_sparse_segment_ops_match_reference_and_gradients(kind, rng):
    data = rng.standard_normal((5, 3)).astype(np.float32)
    indices, ids = np.array([0, 3, 3, 1, 4]), np.array([0, 0, 2, 2, 3])
    op = getattr(tf.sparse, f"segment_{kind}")
    out = op(tf.constant(data), tf.constant(indices), tf.constant(ids), num_segments=5)
    np.testing.assert_allclose(out.numpy(), _segment_ref(data, indices, ids, 5, kind),
                               rtol=1e-5, atol=1e-6)
    x = tf.constant(data)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.square(op(x, indices, ids)))
    counts = np.bincount(ids)
    scale = {"sum": np.ones_like(counts, float), "mean": 1.0 / np.maximum(counts, 1),
             "sqrt_n": 1.0 / np.sqrt(np.maximum(counts, 1))}[kind]

    def ref(d):
        seg = jnp.zeros((4, 3)).at[ids].add(d[indices]) * scale[:, None]
        return jnp.sum(seg ** 2)

    np.testing.assert_allclose(tape.gradient(y, x).numpy(), jax.grad(ref)(data), rtol=1e-4,
                               atol=1e-5)


def test_sparse_segment_errors():
    c = tf.constant([[1, 2], [3, 4]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        tf.sparse.segment_sum(c, [0, 1], [1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.sparse.segment_sum(c, [0, 5], [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="floating"):
        tf.sparse.segment_mean(c, [0, 1], [0, 0])


_SETUP = """
def sp(x): return [x.indices.numpy().tolist(), x.values.numpy().tolist(), x.dense_shape.numpy().tolist()]
st = tf.sparse.SparseTensor([[0, 0], [0, 2], [1, 1], [1, 4], [2, 3]], [1, 2, 3, 4, 5], [3, 5])
d = tf.constant([[1., 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8]])
s = tf.IndexedSlices(tf.constant([[1., 2.], [3., 4.]]), tf.constant([2, 0]), tf.constant([3, 2]))
"""
_CASES = {  # evaluated by tapeflow here and by TensorFlow in its own process
    "bincount": "sp(tf.sparse.bincount([[1, 1, 2], [5, 5, 0]], axis=-1, maxlength=5))",
    "ragged": "sp(tf.sparse.bincount(tf.ragged.constant([[1, 1], [3]]), axis=-1))",
    "split": "[sp(x) for x in tf.sparse.split(sp_input=st, num_split=3, axis=1)]",
    "mean": "tf.sparse.segment_mean(d, [0, 1, 2], [0, 0, 2]).numpy().tolist()",
    "sqrt_n": "tf.sparse.segment_sqrt_n(d, [0, 2], [1, 1], num_segments=3).numpy().tolist()",
    "dense": "tf.convert_to_tensor(s).numpy().tolist()",
    "eye": "sp(tf.sparse.eye(2, 3))",
}
_TF_CODE = _SETUP + f"print(json.dumps({{k: eval(v) for k, v in {_CASES!r}.items()}}))"


def test_against_tensorflow():
    ref, scope = tf_eval(_TF_CODE), {"tf": tf}
    exec(_SETUP, scope)
    mine = json.loads(json.dumps({k: eval(v, scope) for k, v in _CASES.items()}))
    for key in ref:
        if key in ("mean", "sqrt_n"):
            np.testing.assert_allclose(mine[key], ref[key], rtol=1e-6, err_msg=key)
        else:
            assert mine[key] == ref[key], key
