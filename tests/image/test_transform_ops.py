import numpy as np
import pytest

import tapeflow as tf
from tapeflow.image.transform_ops import affine_transform, rotation_transforms

from image_grad_check import check_gradient
from tf_reference import FILL_MODES


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_fill_modes_match_tensorflow(fill_mode, inputs, tf_ref):
    for interp in ("nearest", "bilinear"):
        got = affine_transform(inputs["x"], inputs["T"], interp, fill_mode, 0.5)
        np.testing.assert_allclose(got, tf_ref[f"transform_{fill_mode}_{interp}"], atol=1e-5)


def test_integer_shift_and_dtypes():
    x = np.arange(20, dtype=np.uint8).reshape(1, 4, 5, 1)
    shift = tf.constant([[1, 0, 2, 0, 1, 1, 0, 0]], tf.float32)  # read (x + 2, y + 1)
    got = affine_transform(x, shift, "nearest", "constant", 0.0).numpy()[0, ..., 0]
    ref = np.zeros((4, 5), np.uint8)
    ref[:3, :3] = x[0, 1:, 2:, 0]
    np.testing.assert_array_equal(got, ref)
    assert got.dtype == np.uint8
    r = affine_transform(np.ones((1, 3, 3, 1), np.float32), rotation_transforms([0.3], 3, 3))
    assert float(r[0, 1, 1, 0]) == 1.0


def test_gradient_matches_finite_differences():
    rng = np.random.RandomState(0)
    x0 = rng.rand(1, 4, 5, 2)
    t = tf.constant([[0.9, 0.2, 0.3, -0.1, 1.1, 0.4, 0.0, 0.0]], tf.float32)
    wts = tf.constant(rng.rand(1, 4, 5, 2).astype(np.float32))

    def f(v):
        return tf.reduce_sum(affine_transform(v, t, "bilinear", "reflect") * wts)
    check_gradient(f, x0, eps=1e-2, atol=2e-3)


def test_bad_arguments():
    with pytest.raises(NotImplementedError, match="fill_mode"):
        affine_transform(np.zeros((1, 2, 2, 1)), np.zeros((1, 8)), fill_mode="mirror")
    with pytest.raises(ValueError, match="transforms"):
        affine_transform(np.zeros((2, 2, 2, 1)), np.zeros((3, 8)))
