"""math_ops: forward against NumPy, gradients against jax.grad / finite differences."""
import jax.numpy as jnp
import numpy as np
import pytest
from gradcheck import check_second_order, check_vs_jax, check_vs_numeric, tape_grads

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(7)


def pos(*shape):
    return R.uniform(0.5, 2.0, size=shape)


def sym(*shape):
    return R.uniform(-0.9, 0.9, size=shape)


UNARY = [  # (tapeflow op, jax reference, input sampler)
    (tf.negative, jnp.negative, sym), (tf.square, jnp.square, sym),
    (tf.abs, jnp.abs, sym), (tf.sqrt, jnp.sqrt, pos), (tf.math.rsqrt, lambda v: v ** -0.5, pos),
    (tf.exp, jnp.exp, sym), (tf.math.log, jnp.log, pos), (tf.math.log1p, jnp.log1p, pos),
    (tf.math.expm1, jnp.expm1, sym), (tf.sin, jnp.sin, sym), (tf.cos, jnp.cos, sym),
    (tf.tan, jnp.tan, sym), (tf.asin, jnp.arcsin, sym), (tf.acos, jnp.arccos, sym),
    (tf.atan, jnp.arctan, sym), (tf.sinh, jnp.sinh, sym), (tf.cosh, jnp.cosh, sym),
    (tf.tanh, jnp.tanh, sym), (tf.asinh, jnp.arcsinh, sym),
    (tf.acosh, jnp.arccosh, lambda *s: 1.5 + pos(*s)), (tf.atanh, jnp.arctanh, sym),
    (tf.sigmoid, lambda v: 1 / (1 + jnp.exp(-v)), sym),
    (tf.math.reciprocal, jnp.reciprocal, pos),
]


@pytest.mark.parametrize("f,jf,sample", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_forward_and_grad(f, jf, sample):
    check_vs_jax(f, jf, sample(2, 3))


BINARY = [
    (tf.add, jnp.add), (tf.subtract, jnp.subtract), (tf.multiply, jnp.multiply),
    (tf.divide, jnp.divide), (tf.realdiv, jnp.divide), (tf.pow, jnp.power),
    (tf.maximum, jnp.maximum), (tf.minimum, jnp.minimum),
    (tf.math.squared_difference, lambda a, b: (a - b) ** 2),
]


@pytest.mark.parametrize("f,jf", BINARY, ids=[b[0].__name__ for b in BINARY])
def test_binary_broadcast_forward_and_grad(f, jf):
    check_vs_jax(f, jf, pos(3, 1), pos(1, 4))  # (3,1) op (1,4) -> (3,4); grads summed back


def test_floormod_grad_matches_finite_differences():
    check_vs_numeric(tf.math.floormod, R.uniform(2.1, 2.9, (4,)), R.uniform(0.6, 0.9, (4,)))


@pytest.mark.parametrize("f,jf", [(tf.tanh, jnp.tanh),
                                  (tf.sigmoid, lambda v: 1 / (1 + jnp.exp(-v))),
                                  (lambda x: tf.pow(x, x), lambda v: v ** v),
                                  (lambda x: tf.sqrt(x) / x, lambda v: jnp.sqrt(v) / v),
                                  (tf.math.log1p, jnp.log1p)])
def test_second_order(f, jf):
    check_second_order(f, jf, pos(5))


def test_add_n_and_forward_int_ops():
    a, b = np.arange(6).reshape(2, 3), np.arange(6, 12).reshape(2, 3)
    np.testing.assert_array_equal(tf.add_n([a, b, a]).numpy(), 2 * a + b)
    x, y = np.array([7, -7, 5, -5]), np.array([2, 2, -3, -3])
    np.testing.assert_array_equal(tf.math.floordiv(x, y).numpy(), x // y)
    np.testing.assert_array_equal(tf.math.floormod(x, y).numpy(), x % y)
    assert tf.divide(tf.constant([1, 2]), 2).dtype == tf.float64  # int32 -> float64 as TF
    g = tape_grads(lambda a, b, c: tf.add_n([a, b, c]), [np.ones((2, 2))] * 3,
                   np.full((2, 2), 2.0))
    assert len(g) == 3 and all(np.allclose(gi, 2.0) for gi in g)
    np.testing.assert_allclose(tf.math.accumulate_n([a, b]).numpy(), a + b)


def test_rounding_ops_match_numpy():
    v = np.array([-2.5, -1.5, -0.4, 0.5, 1.5, 2.6])
    np.testing.assert_array_equal(tf.round(v).numpy(), np.round(v))  # half to even
    np.testing.assert_array_equal(tf.math.floor(v).numpy(), np.floor(v))
    np.testing.assert_array_equal(tf.math.ceil(v).numpy(), np.ceil(v))
    np.testing.assert_array_equal(tf.round(tf.constant([1, 2])).numpy(), [1, 2])
    np.testing.assert_array_equal(tf.sign(v).numpy(), np.sign(v))


def test_mixed_dtypes_raise_naming_both():
    with pytest.raises(InvalidArgumentError, match="float.*int32|int32.*float"):
        tf.add(tf.constant([1.0]), tf.constant([1]))
    assert tf.multiply(tf.constant([1.5], tf.float64), 2).dtype == tf.float64


@pytest.mark.parametrize("f,nf,axis,keepdims", [
    (tf.reduce_sum, np.sum, None, False), (tf.reduce_sum, np.sum, [0, 2], True),
    (tf.reduce_mean, np.mean, 1, True), (tf.reduce_mean, np.mean, None, False),
    (tf.reduce_max, np.max, [0, 2], False), (tf.reduce_min, np.min, -1, False),
    (tf.reduce_prod, np.prod, None, False), (tf.reduce_prod, np.prod, [0, 2], False)])
def test_reductions_forward_and_grad(f, nf, axis, keepdims):
    x = R.uniform(0.5, 1.5, (2, 3, 4))
    ax = tuple(axis) if isinstance(axis, list) else axis
    jf = getattr(jnp, nf.__name__)
    np.testing.assert_allclose(f(x, axis=axis, keepdims=keepdims).numpy(),
                               nf(x, axis=ax, keepdims=keepdims))
    check_vs_jax(lambda t: f(t, axis=axis, keepdims=keepdims),
                 lambda t: jf(t, axis=ax, keepdims=keepdims), x)


def test_reduce_prod_grad_with_zeros():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    check_vs_jax(lambda t: tf.reduce_prod(t, axis=1), lambda t: jnp.prod(t, axis=1), x)


def test_reduce_max_splits_ties_evenly():
    g = tape_grads(tf.reduce_max, [np.array([1.0, 3.0, 3.0])], np.array(1.0))[0]
    np.testing.assert_allclose(g, [0.0, 0.5, 0.5])


def test_reductions_int_bool_and_errors():
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1  # truncates toward zero
    assert tf.reduce_mean(tf.constant([1, 2])).numpy() == 1
    b = np.array([[True, False], [True, True]])
    np.testing.assert_array_equal(tf.reduce_all(b, axis=1).numpy(), b.all(1))
    np.testing.assert_array_equal(tf.reduce_any(b, axis=0).numpy(), b.any(0))
    with pytest.raises(InvalidArgumentError, match="Invalid reduction dimension 2"):
        tf.reduce_sum(tf.ones([2, 2]), axis=2)


@pytest.mark.parametrize("ta,tb,aa,ab", [(False, False, False, False), (True, False, False, False),
                                         (False, True, False, False), (True, True, False, False),
                                         (False, False, True, True)])
def test_matmul_flags_forward_and_grad(ta, tb, aa, ab):
    a = R.normal(size=(3, 2) if (ta or aa) else (2, 3))
    b = R.normal(size=(4, 3) if (tb or ab) else (3, 4))

    def jf(x, y):
        return (x.T if ta or aa else x) @ (y.T if tb or ab else y)
    check_vs_jax(lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb, adjoint_a=aa,
                                        adjoint_b=ab), jf, a, b)


def test_batched_matmul_broadcasts_and_errors():
    check_vs_jax(tf.matmul, jnp.matmul, R.normal(size=(2, 1, 2, 3)), R.normal(size=(4, 3, 2)))
    with pytest.raises(InvalidArgumentError, match="Matrix size-incompatible"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))


def test_complex_matmul_grad_is_conjugate_convention():
    a = R.normal(size=(2, 3)) + 1j * R.normal(size=(2, 3))
    b = R.normal(size=(2, 3)) + 1j * R.normal(size=(2, 3))
    at, bt = tf.constant(a), tf.constant(b)
    with tf.GradientTape() as t:
        t.watch([at, bt])
        loss = tf.reduce_sum(tf.math.real(tf.matmul(at, bt, adjoint_b=True)))
    ga, gb = t.gradient(loss, [at, bt])
    # loss = Re sum(a conj(b)^T): dL/dRe(a) + i dL/dIm(a) = sum_k b_k, and for b: sum_i a_i
    np.testing.assert_allclose(ga.numpy(), np.tile(b.sum(0), (2, 1)))
    np.testing.assert_allclose(gb.numpy(), np.tile(a.sum(0), (2, 1)))


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (True, True)])
def test_cumsum_cumprod(exclusive, reverse):
    x = pos(3, 4)

    def ref(fn, ident):
        def jf(v):
            v = jnp.flip(v, 1) if reverse else v
            r = fn(v, axis=1)
            if exclusive:
                r = jnp.concatenate([jnp.full((3, 1), ident), r[:, :-1]], axis=1)
            return jnp.flip(r, 1) if reverse else r
        return jf
    check_vs_jax(lambda t: tf.cumsum(t, 1, exclusive, reverse), ref(jnp.cumsum, 0.0), x)
    check_vs_jax(lambda t: tf.math.cumprod(t, 1, exclusive, reverse), ref(jnp.cumprod, 1.0), x)


def test_argmax_argmin_cast_clip():
    x = R.normal(size=(3, 4))
    np.testing.assert_array_equal(tf.argmax(x).numpy(), np.argmax(x, 0))
    np.testing.assert_array_equal(tf.argmin(x, axis=1).numpy(), np.argmin(x, 1))
    assert tf.argmax(x).dtype == tf.int64
    np.testing.assert_array_equal(tf.cast(tf.constant([-1.7, 1.7]), tf.int32).numpy(), [-1, 1])
    np.testing.assert_array_equal(tf.saturate_cast(tf.constant([-300.0, 300.0]), tf.uint8)
                                  .numpy(), [0, 255])
    np.testing.assert_allclose(tf.clip_by_value(x, -0.5, 0.5).numpy(), np.clip(x, -0.5, 0.5))
    check_vs_jax(lambda t: tf.clip_by_value(t, -0.5, 0.5), lambda t: jnp.clip(t, -0.5, 0.5), x)


def test_namespaces_export_math_ops():
    for name in ["erf", "top_k", "is_nan", "segment_sum", "bincount", "reduce_std",
                 "confusion_matrix", "in_top_k", "unsorted_segment_max", "log"]:
        assert callable(getattr(tf.math, name)), name
    for name in ["einsum", "tensordot", "sort", "argsort", "unique", "clip_by_norm",
                 "clip_by_global_norm", "reduce_logsumexp", "atan2", "scalar_mul"]:
        unwrap = lambda f: getattr(f, "__wrapped_op__", f)  # noqa: E731 - dispatch wrappers
        assert unwrap(getattr(tf, name)) is unwrap(getattr(tf.math, name)), name
    assert not hasattr(tf, "top_k") and not hasattr(tf, "erf")


def test_cast_grad_and_non_differentiable_ops():
    x = np.array([1.5, -2.0])
    g = tape_grads(lambda t: tf.cast(tf.cast(t, tf.float32) * 3.0, tf.float64), [x],
                   np.array([1.0, 2.0]))
    np.testing.assert_allclose(g[0], [3.0, 6.0])
    xt = tf.constant(x)
    with tf.GradientTape(persistent=True) as t:
        t.watch(xt)
        ys = [tf.math.floor(xt), tf.sign(xt), tf.round(xt), tf.cast(tf.cast(xt, tf.int32),
                                                                    tf.float64)]
    assert all(t.gradient(y, xt) is None for y in ys)


def test_new_ops_and_their_gradients_inside_tf_function():
    v = tf.Variable([3.0, 1.0, 2.0])

    @tf.function
    def step():
        with tf.GradientTape() as t:
            top = tf.math.top_k(v, 2).values  # [3, 2]
            y = tf.reduce_sum(top * tf.sort(v)[:2]) + tf.einsum("i,i->", v, v)
            y = y + tf.reduce_logsumexp(v) + tf.reduce_sum(tf.math.erf(v))
        return t.gradient(y, v)

    x = np.array([3.0, 1.0, 2.0])
    soft = np.exp(x) / np.exp(x).sum()
    derf = 2 / np.sqrt(np.pi) * np.exp(-x ** 2)
    want = np.array([1.0, 3.0, 4.0]) + 2 * x + soft + derf
    np.testing.assert_allclose(step().numpy(), want, rtol=1e-5)


_HOLOMORPHIC = {
    "sqrt": (tf.sqrt, np.sqrt), "rsqrt": (tf.math.rsqrt, lambda z: 1 / np.sqrt(z)),
    "exp": (tf.exp, np.exp), "expm1": (tf.math.expm1, np.expm1), "log": (tf.math.log, np.log),
    "log1p": (tf.math.log1p, np.log1p), "sin": (tf.sin, np.sin), "cos": (tf.cos, np.cos),
    "tan": (tf.tan, np.tan), "asin": (tf.asin, np.arcsin), "acos": (tf.acos, np.arccos),
    "atan": (tf.atan, np.arctan), "sinh": (tf.sinh, np.sinh), "cosh": (tf.cosh, np.cosh),
    "tanh": (tf.tanh, np.tanh), "asinh": (tf.asinh, np.arcsinh),
    "acosh": (tf.acosh, np.arccosh), "atanh": (tf.atanh, np.arctanh),
    "sigmoid": (tf.sigmoid, lambda z: 1 / (1 + np.exp(-z))),
    "reciprocal": (tf.math.reciprocal, lambda z: 1 / z), "square": (tf.square, np.square)}


@pytest.mark.parametrize("name", sorted(_HOLOMORPHIC))
def test_complex_gradients_are_conjugated(name):
    """TF's convention: the gradient of a holomorphic f at z is conj(f'(z)) (seed 1)."""
    f, ref = _HOLOMORPHIC[name]
    z0 = np.array([0.3 + 0.4j, -0.7 + 0.2j, 0.5 - 0.6j, 1.8 + 0.1j])
    z = tf.constant(z0)
    with tf.GradientTape() as t:
        t.watch(z)
        y = f(z)
    h = 1e-6  # central difference along the real axis = f'(z) for holomorphic f
    np.testing.assert_allclose(t.gradient(y, z).numpy(),
                               np.conj((ref(z0 + h) - ref(z0 - h)) / (2 * h)),
                               rtol=1e-5, atol=1e-7)
