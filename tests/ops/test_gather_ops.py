"""gather / gather_nd / scatter_nd / tensor_scatter_* / boolean_mask / searchsorted."""
import numpy as np
import pytest

import tapeflow as tf
from gradcheck import check_grad, check_hvp


def _np_gather(p, idx, axis, b):
    """Reference batched gather written with NumPy loops."""
    if b == 0:
        return np.take(p, idx, axis=axis)
    return np.stack([_np_gather(p[i], idx[i], axis - 1, b - 1) for i in range(p.shape[0])])


@pytest.mark.parametrize("pshape,ishape,axis,b", [
    ((5,), (3,), 0, 0), ((4, 3), (2, 2), 1, 0), ((4, 3), (2,), -2, 0), ((3, 4, 2), (), 1, 0),
    ((2, 5, 3), (2, 4), 1, 1), ((2, 3, 5, 2), (2, 3, 2), 2, 2), ((2, 3, 4), (2, 5), 2, 1),
    ((2, 3, 4), (2, 0), 1, 1)])
def test_gather_matches_numpy(rng, pshape, ishape, axis, b):
    p = rng.normal(size=pshape)
    n = pshape[axis]
    idx = rng.integers(0, n, size=ishape)
    got = tf.gather(p, idx, axis=axis, batch_dims=b)
    np.testing.assert_allclose(got.numpy(), _np_gather(p, idx, axis % len(pshape), b))
    check_grad(lambda x: tf.gather(x, idx, axis=axis, batch_dims=b), p)


def test_gather_defaults_and_negative_batch_dims(rng):
    p = rng.normal(size=(2, 4, 3))
    idx = rng.integers(0, 4, size=(2, 5))
    # axis defaults to batch_dims; batch_dims=-1 means rank(indices) - 1
    np.testing.assert_allclose(tf.gather(p, idx, batch_dims=-1).numpy(), _np_gather(p, idx, 1, 1))
    assert tf.gather(tf.constant([1, 2, 3], tf.int64), [2]).dtype == tf.int64


def test_gather_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 7 is not in \[0, 3\)"):
        tf.gather([1, 2, 3], [0, 7])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tindices"):
        tf.gather([1, 2, 3], [0.5])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2, 3\].*\[3, 1\]"):
        tf.gather(np.zeros((2, 3)), np.zeros((3, 1), np.int32), axis=1, batch_dims=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:GatherV2"):
        tf.gather([1, 2], [0], axis=3)


def test_gather_second_order(rng):
    idx = np.array([[0, 2], [2, 1]])
    check_hvp(lambda x: tf.square(tf.gather(x, idx, axis=1)), rng.normal(size=(2, 3)),
                       rng.normal(size=(2, 3)))
    idx_b = np.array([[1, 1, 0], [2, 0, 0]])
    hv = check_hvp(lambda x: tf.gather(x, idx_b, batch_dims=1) ** 3,
                            rng.normal(size=(2, 3)), rng.normal(size=(2, 3)))
    assert np.abs(hv).sum() > 0


@pytest.mark.parametrize("pshape,ishape,b", [
    ((3, 4), (5, 2), 0), ((3, 4, 2), (2, 1), 0), ((3, 4), (2, 3, 2), 0), ((2, 3, 4), (2, 3, 1), 1),
    ((2, 3, 4), (2, 2), 1), ((3,), (0, 1), 0)])
def test_gather_nd_matches_numpy(rng, pshape, ishape, b):
    p = rng.normal(size=pshape)
    k = ishape[-1]
    idx = np.stack([rng.integers(0, pshape[b + j], size=ishape[:-1]) for j in range(k)], -1)
    idx = idx.reshape(ishape)
    if b == 0:
        want = p[tuple(np.moveaxis(idx, -1, 0))]
    else:
        want = np.stack([p[i][tuple(np.moveaxis(idx[i], -1, 0))] for i in range(pshape[0])])
    np.testing.assert_allclose(tf.gather_nd(p, idx, batch_dims=b).numpy(), want)
    check_grad(lambda x: tf.gather_nd(x, idx, batch_dims=b), p)


def test_gather_nd_doc_example_and_errors():
    words = tf.constant([["a", "b"], ["c", "d"]])
    assert tf.gather_nd(words, [[1, 0]]).numpy().tolist() == tf.constant(["c"]).numpy().tolist()
    assert tf.gather(words, [1, 0], axis=1).numpy().tolist() == [[b"b", b"a"], [b"d", b"c"]]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[2, 0\]"):
        tf.gather_nd([[1, 2], [3, 4]], [[2, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[1, 3\].*\[2, 2\]"):
        tf.gather_nd([[1, 2], [3, 4]], [[0, 0, 0]])


def test_gather_nd_second_order(rng):
    idx = np.array([[0, 1], [1, 1], [0, 1]])
    check_hvp(lambda x: tf.sin(tf.gather_nd(x, idx)), rng.normal(size=(2, 2)),
                       rng.normal(size=(2, 2)))


def test_scatter_nd(rng):
    idx = np.array([[4], [3], [1], [7], [1]])
    upd = rng.normal(size=5)
    want = np.zeros(8)
    np.add.at(want, idx[:, 0], upd)
    np.testing.assert_allclose(tf.scatter_nd(idx, upd, [8]).numpy(), want)
    # TF's documented slice example: rows of a 4x4x4 tensor
    u = np.ones((2, 4, 4)) * np.array([5, 6]).reshape(2, 1, 1)
    r = tf.scatter_nd([[0], [2]], u, tf.constant([4, 4, 4])).numpy()
    assert r[0].sum() == 80 and r[2].sum() == 96 and r[1].sum() == 0
    check_grad(lambda u_: tf.scatter_nd(idx, u_, [8]), upd)
    empty = tf.scatter_nd(np.zeros((0, 1), np.int32), np.zeros(0), [3])
    assert empty.numpy().tolist() == [0., 0., 0.]
    assert tf.gather_nd(np.ones((2, 3)), np.zeros((0, 2), np.int32)).shape.as_list() == [0]
    check_hvp(lambda u_: tf.scatter_nd(idx, u_, [8]) ** 2, upd, rng.normal(size=5))


def test_scatter_nd_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[3\].*\[2\]"):
        tf.scatter_nd([[0], [1]], [1., 2., 3.], [4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not index"):
        tf.scatter_nd([[5]], [1.], [4])


@pytest.mark.parametrize("name,fn", [
    ("update", lambda a, b: b), ("add", np.add), ("sub", np.subtract),
    ("min", np.minimum), ("max", np.maximum)])
def test_tensor_scatter_matches_numpy(rng, name, fn):
    t = rng.normal(size=(4, 3))
    idx = np.array([[2], [0]])
    u = rng.normal(size=(2, 3))
    want = t.copy()
    for row, val in zip(idx[:, 0], u):
        want[row] = fn(want[row], val)
    op = getattr(tf, f"tensor_scatter_nd_{name}")
    np.testing.assert_allclose(op(t, idx, u).numpy(), want)
    check_grad(lambda a, b: op(a, idx, b), t, u)


def test_tensor_scatter_elementwise_indices_and_second_order(rng):
    t = rng.normal(size=(3, 3))
    idx = np.array([[0, 1], [2, 2]])
    u = rng.normal(size=2)
    r = tf.tensor_scatter_nd_update(t, idx, u).numpy()
    want = t.copy()
    want[0, 1], want[2, 2] = u
    np.testing.assert_allclose(r, want)
    check_hvp(lambda x: tf.tensor_scatter_nd_add(x, idx, u) ** 2, t,
                       rng.normal(size=(3, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[3\].*\[2\]"):
        tf.tensor_scatter_nd_update(t, idx, np.zeros(3))


@pytest.mark.parametrize("tshape,mshape,axis", [
    ((5,), (5,), None), ((3, 4), (3,), 0), ((3, 4), (3, 4), 0), ((2, 3, 4), (3,), 1),
    ((2, 3, 4), (3, 4), -2), ((4, 2), (4,), 0)])
def test_boolean_mask(rng, tshape, mshape, axis):
    x = rng.normal(size=tshape)
    m = rng.random(size=mshape) > 0.5
    if tshape == (4, 2):
        m[:] = False  # empty result
    ax = 0 if axis is None else axis % len(tshape)
    k = len(mshape)
    flat = x.reshape(tshape[:ax] + (-1,) + tshape[ax + k:])
    want = np.take(flat, np.flatnonzero(m.reshape(-1)), axis=ax)
    got = tf.boolean_mask(x, m, axis=axis)
    assert got.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got.numpy(), want)
    check_grad(lambda t: tf.boolean_mask(t, m, axis=axis), x)


def test_boolean_mask_shape_error():
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\) are incompatible"):
        tf.boolean_mask([1, 2, 3], [True, False])


def test_searchsorted(rng):
    s = np.sort(rng.normal(size=(2, 6)), axis=-1)
    v = rng.normal(size=(2, 4))
    for side in ("left", "right"):
        want = np.stack([np.searchsorted(s[i], v[i], side=side) for i in range(2)])
        got = tf.searchsorted(s, v, side=side)
        assert got.dtype == tf.int32
        np.testing.assert_array_equal(got.numpy(), want)
    r = tf.searchsorted([1, 2, 2, 3], [2], side="right", out_type=tf.int64)
    assert r.dtype == tf.int64 and r.numpy().tolist() == [3]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2, 6\].*\[3, 4\]"):
        tf.searchsorted(s, np.zeros((3, 4)))


def test_gather_and_scatter_inside_tf_function():
    @tf.function
    def f(p, i):
        g = tf.gather(p, i, axis=1)
        s = tf.scatter_nd(tf.expand_dims(i, -1), tf.ones([2]), [3])
        return g, s, tf.gather_nd(p, tf.stack([i - 1, i], -1))

    g, s, nd = f(tf.constant([[1., 2., 3.], [4., 5., 6.]]), tf.constant([2, 1]))
    assert g.numpy().tolist() == [[3., 2.], [6., 5.]]
    assert s.numpy().tolist() == [0., 1., 1.]
    assert nd.numpy().tolist() == [6., 2.]


def test_gather_gradient_for_variable():
    v = tf.Variable(np.ones((4, 3), np.float32))
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.gather(v, tf.constant([[0, 3], [3, 3]], tf.int64)))
    g = t.gradient(y, v)
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(g.numpy(), np.array([[1.] * 3, [0.] * 3, [0.] * 3, [3.] * 3]))
