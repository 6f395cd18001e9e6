"""tf.nn convolutions and pooling vs NumPy loops / jax.lax, with 1st and 2nd order grads."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import tapeflow as tf


def _jgrad(f, argnums=0):
    """jax.grad of the reference, jitted (one compile instead of many eager ones)."""
    return jax.jit(jax.grad(f, argnums))


def _np_conv2d_nhwc(x, w, stride, pads):
    """Direct loop: x [N,H,W,C], w [kh,kw,C,O], explicit (lo, hi) pads."""
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw, _, o = w.shape
    oh = (xp.shape[1] - kh) // stride + 1
    ow = (xp.shape[2] - kw) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, w)
    return y


def _lax_conv(x, w, strides, padding, dil=None, cf=False, groups=1):
    n = w.ndim - 2
    sp = "DHW"[3 - n:]
    lhs = ("NC" + sp) if cf else ("N" + sp + "C")
    return lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dil,
                                    dimension_numbers=(lhs, sp + "IO", lhs),
                                    feature_group_count=groups)


def _grads(fn, *args):
    ts = [tf.constant(a) for a in args]
    with tf.GradientTape() as t:
        t.watch(ts)
        y = fn(*ts)
    return [g.numpy() for g in t.gradient(y, ts)]


@pytest.mark.parametrize("padding,stride", [("VALID", 1), ("SAME", 2), ("SAME", 1)])
def test_conv2d_matches_numpy_loop(padding, stride, rng):
    x = rng.standard_normal((2, 5, 6, 3))
    w = rng.standard_normal((3, 2, 3, 4))
    got = tf.nn.conv2d(x, w, strides=stride, padding=padding).numpy()
    pads = [(0, 0), (0, 0)] if padding == "VALID" else None
    if pads is None:
        pads = []
        for size, k in ((5, 3), (6, 2)):
            total = max((-(-size // stride) - 1) * stride + k - size, 0)
            pads.append((total // 2, total - total // 2))
    np.testing.assert_allclose(got, _np_conv2d_nhwc(x, w, stride, pads), rtol=1e-10)


def test_conv2d_explicit_padding_nchw_dilation_vs_lax(rng):
    x = rng.standard_normal((1, 2, 7, 6))
    w = rng.standard_normal((3, 3, 2, 3))
    got = tf.nn.conv2d(x, w, strides=[1, 1, 2, 1], padding=[[0, 0], [0, 0], [1, 2], [0, 1]],
                       data_format="NCHW", dilations=[1, 1, 1, 2]).numpy()
    want = _lax_conv(x, w, (2, 1), [(1, 2), (0, 1)], (1, 2), cf=True)
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("padding,stride,dil", [("SAME", 2, 1), ("VALID", 3, 2)])
def test_conv2d_gradients_vs_jax(padding, stride, dil, rng):
    x = rng.standard_normal((2, 7, 6, 2))
    w = rng.standard_normal((3, 2, 2, 3))
    r = rng.standard_normal(np.asarray(_lax_conv(x, w, (stride,) * 2, padding,
                                                 (dil, dil))).shape)

    def ours(a, b):
        y = tf.nn.conv2d(a, b, stride, padding, dilations=dil)
        return tf.reduce_sum(y * tf.constant(r))

    def ref(a, b):
        return jnp.sum(_lax_conv(a, b, (stride,) * 2, padding, (dil, dil)) * r)

    gx, gw = _grads(ours, x, w)
    jx, jw = _jgrad(ref, (0, 1))(x, w)
    np.testing.assert_allclose(gx, jx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw, jw, rtol=1e-9, atol=1e-12)


def test_conv2d_second_order_input_and_filter(rng):
    x = rng.standard_normal((1, 5, 5, 2))
    w = rng.standard_normal((3, 3, 2, 2))
    vx, vw = rng.standard_normal(x.shape), rng.standard_normal(w.shape)

    def ref(a, b):  # sum(conv^2) so second derivatives are non-trivial
        ga, gb = _jgrad(lambda p, q: jnp.sum(_lax_conv(p, q, (2, 2), "SAME") ** 2),
                          (0, 1))(a, b)
        return jnp.sum(ga * vx) + jnp.sum(gb * vw)

    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as outer:
        outer.watch([xt, wt])
        with tf.GradientTape() as inner:
            inner.watch([xt, wt])
            y = tf.reduce_sum(tf.square(tf.nn.conv2d(xt, wt, 2, "SAME")))
        gx, gw = inner.gradient(y, [xt, wt])
        z = tf.reduce_sum(gx * vx) + tf.reduce_sum(gw * vw)
    hx, hw = outer.gradient(z, [xt, wt])
    jx, jw = _jgrad(ref, (0, 1))(x, w)
    np.testing.assert_allclose(hx.numpy(), jx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hw.numpy(), jw, rtol=1e-9, atol=1e-12)


def test_conv1d_and_conv3d_vs_lax_with_grads(rng):
    x1, w1 = rng.standard_normal((2, 9, 3)), rng.standard_normal((3, 3, 2))
    got = tf.nn.conv1d(x1, w1, stride=2, padding="SAME").numpy()
    np.testing.assert_allclose(got, _lax_conv(x1, w1, (2,), "SAME"), rtol=1e-10)
    x3, w3 = rng.standard_normal((1, 4, 5, 4, 2)), rng.standard_normal((2, 3, 2, 2, 3))
    got = tf.nn.conv3d(x3, w3, strides=[1, 1, 2, 1, 1], padding="VALID").numpy()
    np.testing.assert_allclose(got, _lax_conv(x3, w3, (1, 2, 1), "VALID"), rtol=1e-10)
    gx, gw = _grads(lambda a, b: tf.reduce_sum(tf.sin(tf.nn.conv3d(a, b, 1, "SAME"))), x3, w3)
    jx, jw = _jgrad(lambda a, b: jnp.sum(jnp.sin(_lax_conv(a, b, (1, 1, 1), "SAME"))),
                      (0, 1))(x3, w3)
    np.testing.assert_allclose(gx, jx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw, jw, rtol=1e-9, atol=1e-12)


def test_conv2d_transpose_is_adjoint_of_conv2d(rng):
    x = rng.standard_normal((2, 7, 8, 3))
    w = rng.standard_normal((3, 3, 3, 4))
    y = rng.standard_normal((2, 4, 4, 4))
    t = tf.nn.conv2d_transpose(y, w, output_shape=[2, 7, 8, 3], strides=2, padding="SAME")
    assert t.shape == (2, 7, 8, 3)
    lhs = np.sum(tf.nn.conv2d(x, w, 2, "SAME").numpy() * y)
    np.testing.assert_allclose(lhs, np.sum(t.numpy() * x), rtol=1e-10)
    gy, gw = _grads(lambda a, b: tf.reduce_sum(tf.square(tf.nn.conv2d_transpose(
        a, b, [2, 7, 8, 3], 2, "SAME"))), y, w)
    jt = lambda a, b: jax.vjp(lambda u: _lax_conv(u, b, (2, 2), "SAME"), x)[1](a)[0]  # noqa
    jy, jw = _jgrad(lambda a, b: jnp.sum(jt(a, b) ** 2), (0, 1))(y, w)
    np.testing.assert_allclose(gy, jy, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw, jw, rtol=1e-9, atol=1e-12)


def test_conv3d_transpose_shape_and_adjoint(rng):
    x = rng.standard_normal((1, 4, 4, 4, 2))
    w = rng.standard_normal((2, 2, 2, 2, 3))
    y = rng.standard_normal((1, 2, 2, 2, 3))
    t = tf.nn.conv3d_transpose(y, w, [1, 4, 4, 4, 2], strides=2, padding="VALID").numpy()
    np.testing.assert_allclose(np.sum(tf.nn.conv3d(x, w, 2, "VALID").numpy() * y),
                               np.sum(t * x), rtol=1e-10)


def test_depthwise_and_separable_conv(rng):
    x = rng.standard_normal((2, 5, 5, 3))
    dw = rng.standard_normal((3, 3, 3, 2))
    pw = rng.standard_normal((1, 1, 6, 4))
    got = tf.nn.depthwise_conv2d(x, dw, strides=[1, 1, 1, 1], padding="SAME").numpy()
    want = np.concatenate([np.stack([_lax_conv(x[..., c:c + 1], dw[:, :, c:c + 1, m:m + 1],
                                               (1, 1), "SAME")[..., 0] for m in range(2)], -1)
                           for c in range(3)], -1)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    sep = tf.nn.separable_conv2d(x, dw, pw, strides=[1, 1, 1, 1], padding="SAME").numpy()
    np.testing.assert_allclose(sep, np.einsum("nhwc,co->nhwo", want, pw[0, 0]), rtol=1e-10)
    gx, gw = _grads(lambda a, b: tf.reduce_sum(tf.square(tf.nn.depthwise_conv2d(
        a, b, [1, 2, 2, 1], "SAME"))), x, dw)
    ref = lambda a, b: jnp.sum(_lax_conv(a, b.reshape(3, 3, 1, 6), (2, 2), "SAME",  # noqa
                                         groups=3) ** 2)
    jx, jw = _jgrad(ref, (0, 1))(x, dw)
    np.testing.assert_allclose(gx, jx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw, jw, rtol=1e-9, atol=1e-12)


def test_conv_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Conv2D"):
        tf.nn.conv2d(tf.ones([1, 4, 4, 3]), tf.ones([3, 3, 2, 1]), 1, "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-dimensional"):
        tf.nn.conv2d(tf.ones([4, 4, 3]), tf.ones([3, 3, 3, 1]), 1, "SAME")
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, "FULL")
    with pytest.raises(tf.errors.InvalidArgumentError, match="float64 tensor"):
        tf.nn.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1], tf.float64), 1, "SAME")
    y = tf.nn.conv2d(tf.ones([1, 4, 4, 1]), np.ones([3, 3, 1, 1]), 1, "SAME")  # numpy: cast
    assert y.dtype == tf.float32 and float(y[0, 1, 1, 0]) == 9.0


# -- pooling -------------------------------------------------------------------------------


def _np_pool(x, k, s, padding, kind):
    """NHWC pooling by loops; SAME averages only the valid elements."""
    n, h, w, c = x.shape
    if padding == "VALID":
        oh, ow, ph, pw = (h - k) // s + 1, (w - k) // s + 1, 0, 0
    else:
        oh, ow = -(-h // s), -(-w // s)
        ph = max((oh - 1) * s + k - h, 0) // 2
        pw = max((ow - 1) * s + k - w, 0) // 2
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s - ph, j * s - pw
            win = x[:, max(r0, 0):r0 + k, max(c0, 0):c0 + k, :]
            y[:, i, j] = win.max((1, 2)) if kind == "max" else win.mean((1, 2))
    return y


@pytest.mark.parametrize("padding,k,s", [("VALID", 2, 2), ("SAME", 3, 2), ("SAME", 2, 1)])
def test_pool2d_matches_numpy(padding, k, s, rng):
    x = rng.standard_normal((2, 6, 5, 2))
    np.testing.assert_allclose(tf.nn.max_pool2d(x, k, s, padding).numpy(),
                               _np_pool(x, k, s, padding, "max"))
    np.testing.assert_allclose(tf.nn.avg_pool2d(x, k, s, padding).numpy(),
                               _np_pool(x, k, s, padding, "avg"), rtol=1e-12)


def test_pool_generic_1d_3d_nchw(rng):
    x = rng.standard_normal((2, 7, 3))
    np.testing.assert_allclose(tf.nn.max_pool1d(x, 3, 2, "SAME").numpy()[:, :, 0],
                               _np_pool(x[:, :, None, :], 3, 2, "SAME", "max")[:, :, 0, 0])
    x3 = rng.standard_normal((1, 4, 4, 4, 2))
    got = tf.nn.avg_pool3d(x3, 2, 2, "VALID").numpy()
    np.testing.assert_allclose(got, x3.reshape(1, 2, 2, 2, 2, 2, 2, 2).mean((2, 4, 6)),
                               rtol=1e-12)
    xc = rng.standard_normal((2, 3, 5, 6))
    got = tf.nn.max_pool(xc, [1, 1, 3, 3], [1, 1, 2, 2], "SAME", data_format="NCHW").numpy()
    want = _np_pool(xc.transpose(0, 2, 3, 1), 3, 2, "SAME", "max").transpose(0, 3, 1, 2)
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(tf.nn.pool(x3, [2, 2, 2], "AVG", strides=[2, 2, 2]).numpy(),
                               got3 := tf.nn.avg_pool3d(x3, 2, 2, "VALID").numpy())
    assert got3.shape == (1, 2, 2, 2, 2)


def _ref_pool(kind, k, s, padding):
    def f(v):
        win, st = (1, k, k, 1), (1, s, s, 1)
        if kind == "max":
            return lax.reduce_window(v, -jnp.inf, lax.max, win, st, padding)
        tot = lax.reduce_window(v, 0.0, lax.add, win, st, padding)
        return tot / lax.reduce_window(jnp.ones_like(v), 0.0, lax.add, win, st, padding)
    return f


@pytest.mark.parametrize("kind,padding,k,s", [("max", "SAME", 3, 2), ("max", "VALID", 2, 1),
                                              ("avg", "SAME", 3, 2)])
def test_pool_gradients_first_and_second_order(kind, padding, k, s, rng):
    x = rng.permutation(2 * 6 * 5 * 2).reshape(2, 6, 5, 2) / 7.0  # distinct values: no ties
    ours = tf.nn.max_pool2d if kind == "max" else tf.nn.avg_pool2d
    ref = _ref_pool(kind, k, s, padding)
    r = rng.standard_normal(np.asarray(ref(x)).shape)
    gx, = _grads(lambda a: tf.reduce_sum(tf.square(ours(a, k, s, padding)) * r), x)
    jx = _jgrad(lambda a: jnp.sum(ref(a) ** 2 * r))(x)
    np.testing.assert_allclose(gx, jx, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(x.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            y = tf.reduce_sum(tf.square(ours(xt, k, s, padding)) * r)
        z = tf.reduce_sum(inner.gradient(y, xt) * v)
    hv = _jgrad(lambda a: jnp.sum(_jgrad(lambda b: jnp.sum(ref(b) ** 2 * r))(a) * v))(x)
    np.testing.assert_allclose(outer.gradient(z, xt).numpy(), hv, rtol=1e-10, atol=1e-12)


def test_pool_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-dimensional"):
        tf.nn.max_pool2d(tf.ones([4, 4, 1]), 2, 2, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch and depth"):
        tf.nn.avg_pool2d(tf.ones([1, 4, 4, 1]), [2, 2, 2, 1], 1, "VALID")
