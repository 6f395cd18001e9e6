"""elementwise_ops: special functions, safe division, NaN tests, complex parts."""
import jax.numpy as jnp
import jax.scipy.special as jss
import numpy as np
import pytest
import scipy.special as sps
from gradcheck import (check_second_order, check_vs_jax, check_vs_numeric,
                       numeric_complex_grad, tape_grads)

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(11)


def pos(*shape):
    return R.uniform(0.5, 2.5, size=shape)


def sym(*shape):
    return R.uniform(-0.9, 0.9, size=shape)


@pytest.mark.parametrize("f,sf,sample", [
    (tf.math.erf, sps.erf, sym), (tf.math.erfc, sps.erfc, sym),
    (tf.math.erfinv, sps.erfinv, sym), (tf.math.lgamma, sps.gammaln, pos),
    (tf.math.digamma, sps.digamma, pos), (tf.math.ndtri, sps.ndtri, lambda *s: 0.5 + sym(*s) / 2),
    (tf.math.log_sigmoid, lambda v: -np.logaddexp(0, -v), sym),
])
def test_special_forward_vs_scipy_and_grad_vs_finite_differences(f, sf, sample):
    x = sample(2, 3)
    np.testing.assert_allclose(f(x).numpy(), sf(x), rtol=1e-10, atol=1e-12)
    check_vs_numeric(f, x, atol=1e-6)


def test_special_second_order():
    check_second_order(tf.math.erf, jss.erf, R.uniform(-1, 1, 4))
    check_second_order(tf.math.lgamma, jss.gammaln, pos(4), rtol=1e-5)
    check_second_order(tf.math.log_sigmoid, lambda v: -jnp.logaddexp(0, -v), sym(4))


def test_polygamma_forward_and_grad():
    x = pos(4)
    np.testing.assert_allclose(tf.math.polygamma(tf.constant(1.0, tf.float64), x).numpy(),
                               sps.polygamma(1, x))
    check_vs_numeric(lambda t: tf.math.polygamma(tf.constant(1.0, tf.float64), t), x)


@pytest.mark.parametrize("f,jf", [
    (tf.math.xlogy, jss.xlogy), (tf.math.xlog1py, jss.xlog1py),
    (tf.math.xdivy, lambda a, b: jnp.where(a == 0, 0.0, a / b)),
    (tf.atan2, jnp.arctan2), (tf.math.divide_no_nan, lambda a, b: a / b),
    (tf.math.multiply_no_nan, jnp.multiply)])
def test_binary_special_forward_and_broadcast_grad(f, jf):
    check_vs_jax(f, jf, pos(3, 1), pos(1, 4))


def test_zero_conventions():
    z = np.array([0.0, 0.0, 2.0])
    np.testing.assert_array_equal(tf.math.xlogy(z, np.array([0.0, 3.0, 1.0])).numpy(),
                                  [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tf.math.xdivy(z, np.array([0.0, 1.0, 4.0])).numpy(),
                                  [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(tf.math.divide_no_nan(np.array([1.0, 2.0]),
                                                        np.array([0.0, 4.0])).numpy(), [0, 0.5])
    np.testing.assert_array_equal(tf.math.multiply_no_nan(np.array([np.inf, 2.0]),
                                                          np.array([0.0, 3.0])).numpy(), [0, 6])
    g = tape_grads(tf.math.divide_no_nan, [np.array([1.0, 2.0]), np.array([0.0, 4.0])],
                   np.ones(2))
    np.testing.assert_allclose(g[0], [0.0, 0.25])
    np.testing.assert_allclose(g[1], [0.0, -2.0 / 16])


def test_nan_inf_tests():
    v = np.array([np.nan, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(tf.math.is_nan(v).numpy(), np.isnan(v))
    np.testing.assert_array_equal(tf.math.is_inf(v).numpy(), np.isinf(v))
    np.testing.assert_array_equal(tf.math.is_finite(v).numpy(), np.isfinite(v))
    with pytest.raises(InvalidArgumentError, match="IsNan"):
        tf.math.is_nan(tf.constant([1]))


def test_truncate_div_mod_rint_scalar_mul():
    x, y = np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])
    np.testing.assert_array_equal(tf.truncatediv(x, y).numpy(), np.trunc(x / y).astype(int))
    np.testing.assert_array_equal(tf.truncatemod(x, y).numpy(), np.fmod(x, y))
    np.testing.assert_array_equal(tf.truncatediv(np.array([-7.5]), np.array([2.0])).numpy(), [-3])
    check_vs_numeric(tf.truncatemod, R.uniform(2.1, 2.9, 3), R.uniform(0.6, 0.9, 3))
    np.testing.assert_array_equal(tf.math.rint(np.array([0.5, 1.5, -2.5])).numpy(), [0, 2, -2])
    np.testing.assert_array_equal(tf.scalar_mul(2.0, tf.constant([1.0, 2.0])).numpy(), [2, 4])
    with pytest.raises(ValueError, match="Only scalar multiply"):
        tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))


def test_polyval_forward_and_grad():
    c = [2.0, -1.0, 0.5]
    x = sym(5)
    np.testing.assert_allclose(tf.math.polyval(c, x).numpy(), np.polyval(c, x))
    assert tf.math.polyval([2.0, 0.0, 1.0], tf.constant(3.0)).numpy() == 19.0
    check_vs_jax(lambda t: tf.math.polyval(c, t), lambda t: jnp.polyval(jnp.array(c), t), x)


def test_complex_parts_forward():
    z = R.normal(size=4) + 1j * R.normal(size=4)
    np.testing.assert_array_equal(tf.math.real(z).numpy(), z.real)
    np.testing.assert_array_equal(tf.math.imag(z).numpy(), z.imag)
    np.testing.assert_array_equal(tf.math.conj(z).numpy(), z.conj())
    np.testing.assert_allclose(tf.math.angle(z).numpy(), np.angle(z))
    c = tf.complex(tf.constant([1.0]), tf.constant([2.0]))
    assert c.dtype == tf.complex64 and c.numpy()[0] == 1 + 2j
    np.testing.assert_array_equal(tf.math.imag(tf.constant([1.0, 2.0])).numpy(), [0, 0])
    np.testing.assert_allclose(tf.math.angle(tf.constant([-1.0, 2.0])).numpy(), [np.pi, 0],
                               rtol=1e-6)


def _complex_grad(f, z):
    """Tape gradient of real f(z) w.r.t. complex z (TF convention: dL/dRe + i dL/dIm)."""
    zt = tf.constant(z)
    with tf.GradientTape() as t:
        t.watch(zt)
        loss = tf.reduce_sum(f(zt))
    return t.gradient(loss, zt).numpy()


@pytest.mark.parametrize("f,nf", [
    (tf.math.angle, np.angle), (tf.abs, np.abs),
    (lambda z: tf.math.real(z * z), lambda z: (z * z).real),
    (lambda z: tf.math.imag(tf.exp(z)), lambda z: np.exp(z).imag),
    (lambda z: tf.math.real(tf.math.conj(z) / (z + 3.0)), lambda z: (z.conj() / (z + 3)).real),
    (lambda z: tf.math.real(tf.math.log(z)) + tf.math.imag(tf.square(z)),
     lambda z: np.log(z).real + (z * z).imag)])
def test_complex_grads_vs_finite_differences(f, nf):
    z = R.normal(size=3) + 1j * R.normal(size=3)
    np.testing.assert_allclose(_complex_grad(f, z), numeric_complex_grad(nf, z), atol=1e-6)


def test_complex_from_parts_grad():
    a, b = R.normal(size=3), R.normal(size=3)
    g = tape_grads(lambda x, y: tf.abs(tf.complex(x, y)), [a, b], np.ones(3))
    r = np.hypot(a, b)
    np.testing.assert_allclose(g[0], a / r)
    np.testing.assert_allclose(g[1], b / r)
