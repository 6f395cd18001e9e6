"""Special functions vs SciPy, gradients vs finite differences of SciPy."""
import numpy as np
import pytest

import tapeflow as tf

sp = pytest.importorskip("scipy.special")
X = np.array([0.5, 2.0, 3.5])


def _fd(ref, x, eps=1e-6):
    return np.array([(ref(x + eps * e) - ref(x - eps * e)).sum() / (2 * eps)
                     for e in np.eye(len(x))])


@pytest.mark.parametrize("fn, ref", [
    (lambda v: tf.math.igamma(tf.constant([1.5, 2.5, 0.7], tf.float64), v),
     lambda v: sp.gammainc([1.5, 2.5, 0.7], v)),
    (lambda v: tf.math.igammac(tf.constant([1.5, 2.5, 0.7], tf.float64), v),
     lambda v: sp.gammaincc([1.5, 2.5, 0.7], v)),
    (tf.math.bessel_i0, sp.i0), (tf.math.bessel_i0e, sp.i0e), (tf.math.bessel_i1, sp.i1),
    (tf.math.special.bessel_i1e, sp.i1e),
    (lambda v: tf.math.zeta(tf.constant([2.0, 3.0, 4.0], tf.float64), v),
     lambda v: sp.zeta([2.0, 3.0, 4.0], v)),
    (lambda v: tf.math.betainc(tf.constant(2.0, tf.float64), tf.constant(3.0, tf.float64),
                               v / 4), lambda v: sp.betainc(2.0, 3.0, v / 4))])
def test_values_and_gradients(fn, ref):
    x = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(x))
    np.testing.assert_allclose(fn(x).numpy(), ref(X), rtol=1e-10)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), _fd(ref, X), rtol=1e-5)


def test_small_helpers():
    assert tf.math.lbeta([1.0, 2.0]).numpy() == pytest.approx(np.log(sp.beta(1.0, 2.0)), 1e-6)
    assert tf.math.erfcinv(0.5).numpy() == pytest.approx(sp.erfcinv(0.5), 1e-6)
    assert tf.math.reciprocal_no_nan([0.0, 2.0]).numpy().tolist() == [0.0, 0.5]
    assert tf.math.zero_fraction([0, 1, 0, 3]).numpy() == 0.5
    assert tf.math.invert_permutation([2, 0, 1]).numpy().tolist() == [1, 2, 0]
    assert tf.math.nextafter(1.0, 2.0).numpy() == np.nextafter(np.float32(1), np.float32(2))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.invert_permutation([0, 0])
