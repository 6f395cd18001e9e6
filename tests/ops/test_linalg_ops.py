"""tf.linalg ops vs NumPy/SciPy; gradients (1st and 2nd order) vs central finite
differences along random directions, computed in float64 (a few second-order
references use jax.grad)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.linalg as sla

import tapeflow as tf


def _jgrad(f, argnums=0):
    """jax.grad of the reference, jitted (one compile instead of many eager ones)."""
    return jax.jit(jax.grad(f, argnums))


def _grad(fn, *args):
    ts = [tf.constant(a) for a in args]
    with tf.GradientTape() as t:
        t.watch(ts)
        y = fn(*ts)
    gs = t.gradient(y, ts)
    return [g.numpy() for g in gs]


def _check_grad(ours, *args, rtol=1e-6, atol=1e-8, sym=False, seed=7):
    """<tape gradient, V> vs (f(x + eV) - f(x - eV)) / 2e for 2 random directions V per
    argument (symmetric V when the op reads a symmetric matrix)."""
    got = _grad(ours, *args)
    rng = np.random.default_rng(seed)
    f = lambda *xs: float(ours(*[tf.constant(x) for x in xs]))  # noqa: E731
    eps = 1e-6
    for i, (g, a) in enumerate(zip(got, args)):
        for _ in range(2):
            v = rng.standard_normal(np.shape(a))
            if sym:
                v = _sym(v)
            plus, minus = list(args), list(args)
            plus[i], minus[i] = a + eps * v, a - eps * v
            fd = (f(*plus) - f(*minus)) / (2 * eps)
            np.testing.assert_allclose(np.sum(g * v), fd, rtol=rtol, atol=atol)


def _spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


def test_inv_det_slogdet_forward(rng):
    a = rng.standard_normal((2, 3, 3))
    np.testing.assert_allclose(tf.linalg.inv(a).numpy(), np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.inv(a, adjoint=True).numpy(),
                               np.linalg.inv(np.swapaxes(a, -1, -2)), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.det(a).numpy(), np.linalg.det(a), rtol=1e-10)
    s, ld = tf.linalg.slogdet(a)
    ws, wld = np.linalg.slogdet(a)
    np.testing.assert_allclose(s.numpy(), ws)
    np.testing.assert_allclose(ld.numpy(), wld, rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.det(tf.constant([[1., 2.], [3., 4.]])).numpy(), -2.0,
                               rtol=1e-6)


def test_inv_det_slogdet_grads(rng):
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    r = rng.standard_normal((2, 3, 3))
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.inv(x) * r),
                a)
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.inv(x, adjoint=True) * r),
                a)
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.det(x) * [1.0, -2.0]),
                a)
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.slogdet(x)[1]),
                a)


def test_inv_second_order(rng):
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    v = rng.standard_normal((3, 3))
    at = tf.constant(a)
    with tf.GradientTape() as outer:
        outer.watch(at)
        with tf.GradientTape() as inner:
            inner.watch(at)
            y = tf.linalg.det(at) + tf.reduce_sum(tf.linalg.inv(at))
        z = tf.reduce_sum(inner.gradient(y, at) * v)
    f = lambda x: jnp.linalg.det(x) + jnp.sum(jnp.linalg.inv(x))  # noqa: E731
    want = _jgrad(lambda x: jnp.sum(_jgrad(f)(x) * v))(a)
    np.testing.assert_allclose(outer.gradient(z, at).numpy(), want, rtol=1e-8)


def test_cholesky_logdet_cholesky_solve(rng):
    a = _spd(rng, 4, (2,))
    b = rng.standard_normal((2, 4, 3))
    ch = tf.linalg.cholesky(a).numpy()
    np.testing.assert_allclose(ch, np.linalg.cholesky(a), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.logdet(a).numpy(), np.linalg.slogdet(a)[1], rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.cholesky_solve(ch, b).numpy(), np.linalg.solve(a, b),
                               rtol=1e-9)
    r = rng.standard_normal((2, 4, 4))
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.cholesky(x) * r), a, sym=True)
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.logdet(x)), a, sym=True)


def test_solve_and_triangular_solve(rng):
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((2, 3, 2))
    np.testing.assert_allclose(tf.linalg.solve(a, b).numpy(), np.linalg.solve(a, b), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.solve(a, b, adjoint=True).numpy(),
                               np.linalg.solve(np.swapaxes(a, -1, -2), b), rtol=1e-10)
    r = rng.standard_normal((2, 3, 2))
    for adj in (False, True):
        _check_grad(lambda x, y: tf.reduce_sum(tf.linalg.solve(x, y, adjoint=adj) * r),
                    a, b)
    for lower in (True, False):
        for adj in (False, True):
            got = tf.linalg.triangular_solve(a, b, lower=lower, adjoint=adj).numpy()
            want = np.stack([sla.solve_triangular(a[i], b[i], lower=lower, trans=int(adj))
                             for i in range(2)])
            np.testing.assert_allclose(got, want, rtol=1e-9)
            _check_grad(lambda x, y, lower=lower, adj=adj: tf.reduce_sum(
                tf.linalg.triangular_solve(x, y, lower=lower, adjoint=adj) * r), a, b)


def test_solve_shape_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="MatrixSolve"):
        tf.linalg.solve(tf.eye(3), tf.ones([2, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.inv(tf.ones([2, 3]))


def test_qr_and_svd_forward(rng):
    a = rng.standard_normal((2, 5, 3))
    q, r = tf.linalg.qr(a)
    assert q.shape == (2, 5, 3) and r.shape == (2, 3, 3)
    np.testing.assert_allclose(q.numpy() @ r.numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.tril(r.numpy(), -1), 0)
    qf, rf = tf.linalg.qr(a, full_matrices=True)
    assert qf.shape == (2, 5, 5) and rf.shape == (2, 5, 3)
    s, u, v = tf.linalg.svd(a)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    recon = u.numpy() @ (s.numpy()[..., None] * np.swapaxes(v.numpy(), -1, -2))
    np.testing.assert_allclose(recon, a, atol=1e-12)  # v is not transposed (TF order)
    np.testing.assert_allclose(tf.linalg.svd(a, compute_uv=False).numpy(), s.numpy())


@pytest.mark.parametrize("shape", [(4, 3), (3, 3)])
def test_qr_grad(shape, rng):
    a = rng.standard_normal(shape)
    rq, rr = rng.standard_normal(shape), rng.standard_normal((3, 3))

    def ours(x):
        q, r = tf.linalg.qr(x)
        return tf.reduce_sum(q * rq) + tf.reduce_sum(r * rr)
    _check_grad(ours, a)


def test_svd_singular_value_grad(rng):
    a = rng.standard_normal((4, 3))
    w = np.array([1.0, -2.0, 0.5])
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.svd(x)[0] * w), a)
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * w), a)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4)])
def test_svd_vector_grads(shape, rng):
    a = rng.standard_normal(shape)
    c = np.array([1.0, -0.5, 2.0])
    r = rng.standard_normal(shape)

    def ours(x):  # u diag(c) v^T: invariant to the sign of each singular pair
        s, u, v = tf.linalg.svd(x)
        return tf.reduce_sum(tf.matmul(u * c, v, transpose_b=True) * r) + tf.reduce_sum(s)
    _check_grad(ours, a)


def test_eigh_forward_and_grads(rng):
    a = _sym(rng.standard_normal((2, 4, 4)))
    e, v = tf.linalg.eigh(a)
    np.testing.assert_allclose(e.numpy(), np.linalg.eigvalsh(a), rtol=1e-10)
    np.testing.assert_allclose(v.numpy() @ (e.numpy()[..., None] * np.swapaxes(v.numpy(), -1,
                                                                                -2)), a,
                               atol=1e-12)
    np.testing.assert_allclose(tf.linalg.eigvalsh(a).numpy(), e.numpy())
    w = rng.standard_normal((2, 4))
    _check_grad(lambda x: tf.reduce_sum(tf.linalg.eigvalsh(x) * w), a, sym=True)
    # sign-invariant function of the eigenvectors
    _check_grad(lambda x: tf.reduce_sum(tf.square(tf.linalg.eigh(x)[1][..., :, 0]) * w),
                a, sym=True)


@pytest.mark.parametrize("ord_,axis", [("euclidean", None), ("fro", [-2, -1]), (1, -1),
                                       (np.inf, -1), (3, 0), (1, [-2, -1]),
                                       (np.inf, [-2, -1]), (2, [-2, -1]), (2, 1)])
def test_norm_forward_and_grad(ord_, axis, rng):
    x = rng.standard_normal((2, 3, 4))
    np_ord = None if ord_ == "euclidean" else ord_
    if axis is None:
        want = np.linalg.norm(x.ravel())
    else:
        ax = tuple(axis) if isinstance(axis, list) else axis
        want = np.linalg.norm(x, ord=np_ord, axis=ax)
    got = tf.linalg.norm(x, ord=ord_, axis=axis)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)
    _check_grad(lambda u: tf.reduce_sum(tf.linalg.norm(u, ord=ord_, axis=axis)), x)
    kd = tf.linalg.norm(x, ord=ord_, axis=axis, keepdims=True)
    assert kd.ndim == 3


def test_norm_bad_ord():
    with pytest.raises(ValueError, match="ord"):
        tf.linalg.norm(tf.ones([2, 2]), ord="nuc", axis=[0, 1])


def test_diag_family_and_grads(rng):
    d = rng.standard_normal((2, 3))
    np.testing.assert_allclose(tf.linalg.diag(d).numpy(), np.stack([np.diag(r) for r in d]))
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(tf.linalg.diag_part(x).numpy(),
                               np.diagonal(x, axis1=-2, axis2=-1))
    sd = tf.linalg.set_diag(x, d).numpy()
    want = x.copy()
    want[:, np.arange(3), np.arange(3)] = d
    np.testing.assert_allclose(sd, want)
    np.testing.assert_allclose(tf.linalg.trace(x).numpy(), np.trace(x, axis1=-2, axis2=-1))
    r = rng.standard_normal((2, 3, 4))
    _check_grad(lambda u, v: tf.reduce_sum(tf.linalg.set_diag(u, v) * r),
                x, d)
    _check_grad(lambda u: tf.reduce_sum(tf.linalg.diag_part(u) * d),
                x)
    rd = rng.standard_normal((2, 3, 3))
    _check_grad(lambda u: tf.reduce_sum(tf.linalg.diag(u) * rd),
                d)
    _check_grad(lambda u: tf.linalg.trace(u)[1] * 3.0,
                x)


@pytest.mark.parametrize("lo,up", [(1, 0), (0, -1), (-1, 1), (0, 0)])
def test_band_part(lo, up, rng):
    x = rng.standard_normal((2, 4, 5))
    i, j = np.arange(4)[:, None], np.arange(5)[None, :]
    keep = ((lo < 0) | (i - j <= lo)) & ((up < 0) | (j - i <= up))
    np.testing.assert_allclose(tf.linalg.band_part(x, lo, up).numpy(), np.where(keep, x, 0))
    r = rng.standard_normal(x.shape)
    g, = _grad(lambda u: tf.reduce_sum(tf.linalg.band_part(u, lo, up) * r), x)
    np.testing.assert_allclose(g, np.where(keep, r, 0))


def test_transpose_adjoint_cross_eye_matvec(rng):
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(tf.linalg.matrix_transpose(x).numpy(), np.swapaxes(x, -1, -2))
    np.testing.assert_allclose(tf.linalg.adjoint(x).numpy(), np.swapaxes(x, -1, -2))
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    np.testing.assert_allclose(tf.linalg.cross(a, b).numpy(), np.cross(a, b), rtol=1e-12)
    r = rng.standard_normal((5, 3))
    _check_grad(lambda u, v: tf.reduce_sum(tf.linalg.cross(u, v) * r),
                a, b)
    e = tf.linalg.eye(2, 3, batch_shape=[4], dtype=tf.float64)
    assert e.shape == (4, 2, 3) and e.dtype == tf.float64
    np.testing.assert_allclose(e.numpy()[1], np.eye(2, 3))
    v = rng.standard_normal((2, 4))
    np.testing.assert_allclose(tf.linalg.matvec(x, v).numpy(), np.einsum("bij,bj->bi", x, v))


def test_pinv_and_lstsq(rng):
    a = rng.standard_normal((5, 3))
    np.testing.assert_allclose(tf.linalg.pinv(a).numpy(), np.linalg.pinv(a), rtol=1e-9)
    r = rng.standard_normal((3, 5))
    _check_grad(lambda u: tf.reduce_sum(tf.linalg.pinv(u) * r),
                a)
    _check_grad(lambda u: tf.reduce_sum(tf.linalg.pinv(u) * r.T),
                a.T)
    b = rng.standard_normal((5, 2))
    np.testing.assert_allclose(tf.linalg.lstsq(a, b).numpy(), np.linalg.lstsq(a, b, rcond=None)[0],
                               rtol=1e-8)
    wide = rng.standard_normal((2, 4))
    bw = rng.standard_normal((2, 1))
    np.testing.assert_allclose(tf.linalg.lstsq(wide, bw).numpy(), np.linalg.pinv(wide) @ bw,
                               rtol=1e-8)


def _op(f):
    return getattr(f, "__wrapped_op__", f)  # namespaces wrap ops for KerasTensor dispatch


def test_namespace_reexports():
    assert _op(tf.linalg.matmul) is _op(tf.matmul)
    assert _op(tf.linalg.l2_normalize) is _op(tf.nn.l2_normalize)


def test_normalize_and_matrix_rank(rng):
    x = rng.standard_normal((3, 4))
    t, n = tf.linalg.normalize(x, axis=1)
    np.testing.assert_allclose(n.numpy(), np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(t.numpy(), x / n.numpy(), rtol=1e-12)
    low = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))
    r = tf.linalg.matrix_rank(np.stack([low, rng.standard_normal((5, 4))]))
    assert r.dtype == tf.int32
    np.testing.assert_array_equal(r.numpy(), [2, 4])
