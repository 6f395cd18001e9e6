"""More tnp functions vs NumPy on the same inputs (values and result dtypes)."""
import numpy as np
import pytest

import tapeflow as tf

tnp = tf.experimental.numpy
A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
B = np.array([[2, 0, 1], [1, 3, 2]], np.int32)
S = np.argsort(A, 1)

CASES = [
    ("rot90", lambda m: m.rot90(A), ()), ("rot90_2", lambda m: m.rot90(A, 2), ()),
    ("diff", lambda m: m.diff(B, axis=1), ()), ("kron", lambda m: m.kron(B, B), ()),
    ("take_along_axis", lambda m: m.take_along_axis(A, S, 1), ()),
    ("cross", lambda m: m.cross([1.0, 2, 3], [4.0, 5, 6]), ()),
    ("trace", lambda m: m.trace(A), ()), ("diagonal", lambda m: m.diagonal(A, 1), ()),
    ("diag", lambda m: m.diag([1.0, 2.0], -1), ()), ("hypot", lambda m: m.hypot(A, B), ()),
    ("logaddexp", lambda m: m.logaddexp(A, B), ()),
    ("logaddexp2", lambda m: m.logaddexp2(A, B), ()), ("cbrt", lambda m: m.cbrt(A), ()),
    ("sinc", lambda m: m.sinc(A), ()), ("fix", lambda m: m.fix(A / 4), ()),
    ("ptp", lambda m: m.ptp(A, 0), ()),
    ("average", lambda m: m.average(A, 1, weights=[1, 2, 3]), ()),
    ("nansum", lambda m: m.nansum([1.0, np.nan]), ()),
    ("nanmean", lambda m: m.nanmean([1.0, np.nan, 3.0]), ()),
    ("pad", lambda m: m.pad(B, 1), ()), ("polyval", lambda m: m.polyval([1.0, 2.0, 3.0], A), ()),
    ("vander", lambda m: m.vander(np.array([1.0, 2.0, 3.0])), ()),
    ("moveaxis", lambda m: m.moveaxis(np.zeros((2, 3, 4)), 0, -1), ()),
    ("around", lambda m: m.around(A / 3, 2), ()), ("gcd", lambda m: m.gcd(B, 4), ()),
    ("select", lambda m: m.select([A > 2, A < 0], [A, -A], 7.0), ()),
    ("dstack", lambda m: m.dstack([B, B]), ()),
    ("split", lambda m: m.split(np.arange(6), 3)[1], ()), ("exp2", lambda m: m.exp2(B), ()),
    ("heaviside", lambda m: m.heaviside(A, 0.5), ()),
    ("signbit", lambda m: m.signbit(np.array([-0.0, 0.0, -1.0])), ()),
    ("count_nonzero", lambda m: m.count_nonzero(B), ()),
    ("append", lambda m: m.append(B, [9]), ()),
]


@pytest.mark.parametrize("name, fn, _", CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(name, fn, _):
    got, want = fn(tnp), np.asarray(fn(np))
    assert got.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    assert got.dtype == tf.as_dtype(want.dtype)
