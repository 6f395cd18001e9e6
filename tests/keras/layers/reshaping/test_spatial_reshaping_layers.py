"""ZeroPadding / Cropping / UpSampling 1D-3D against NumPy (np.pad, slices, np.repeat)."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layer_test_utils import check_layer  # noqa: E402

RNG = np.random.default_rng(2)
X1, X2, X3 = (RNG.standard_normal(s).astype("float32")
              for s in [(2, 5, 3), (2, 4, 5, 3), (1, 3, 4, 5, 2)])


@pytest.mark.parametrize("cls,kwargs,x,widths", [
    (layers.ZeroPadding1D, {"padding": (1, 2)}, X1, [(0, 0), (1, 2), (0, 0)]),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 3))}, X2,
     [(0, 0), (1, 0), (2, 3), (0, 0)]),
    (layers.ZeroPadding2D, {"padding": (1, 2), "data_format": "channels_first"}, X2,
     [(0, 0), (0, 0), (1, 1), (2, 2)]),
    (layers.ZeroPadding3D, {"padding": 1}, X3, [(0, 0)] + [(1, 1)] * 3 + [(0, 0)]),
])
def test_zero_padding(cls, kwargs, x, widths):
    check_layer(cls, kwargs, x, reference=lambda a, _: np.pad(a, widths))


@pytest.mark.parametrize("cls,kwargs,x,index", [
    (layers.Cropping1D, {"cropping": (1, 2)}, X1, np.s_[:, 1:3]),
    (layers.Cropping2D, {"cropping": ((1, 0), (0, 2))}, X2, np.s_[:, 1:, :3]),
    (layers.Cropping2D, {"cropping": 1, "data_format": "channels_first"}, X2,
     np.s_[:, :, 1:4, 1:2]),
    (layers.Cropping3D, {"cropping": ((0, 1), (1, 1), (2, 0))}, X3, np.s_[:, :2, 1:3, 2:]),
])
def test_cropping(cls, kwargs, x, index):
    check_layer(cls, kwargs, x, reference=lambda a, _: a[index])


def _np_repeat(a, sizes, first):
    for i, s in enumerate(sizes):
        a = np.repeat(a, s, axis=first + i)
    return a


@pytest.mark.parametrize("cls,kwargs,x,sizes,first", [
    (layers.UpSampling1D, {"size": 3}, X1, (3,), 1),
    (layers.UpSampling2D, {"size": (2, 3)}, X2, (2, 3), 1),
    (layers.UpSampling2D, {"size": 2, "data_format": "channels_first"}, X2, (2, 2), 2),
    (layers.UpSampling3D, {"size": (1, 2, 2)}, X3, (1, 2, 2), 1),
])
def test_up_sampling_nearest(cls, kwargs, x, sizes, first):
    check_layer(cls, kwargs, x, reference=lambda a, _: _np_repeat(a, sizes, first))


def _bilinear_1d(a, axis, s):
    """TF 2 half-pixel bilinear upsampling of one axis by an integer factor."""
    n = a.shape[axis]
    src = np.clip((np.arange(n * s) + 0.5) / s - 0.5, 0, n - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    frac = (src - lo).reshape([-1 if i == axis else 1 for i in range(a.ndim)])
    return np.take(a, lo, axis) * (1 - frac) + np.take(a, hi, axis) * frac


def test_up_sampling2d_bilinear_vs_numpy():
    ref = _bilinear_1d(_bilinear_1d(X2, 1, 2), 2, 3)
    check_layer(layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, X2,
                reference=lambda a, _: ref)
    cf = layers.UpSampling2D((2, 3), data_format="channels_first",
                             interpolation="bilinear")(np.moveaxis(X2, -1, 1))
    np.testing.assert_allclose(cf.numpy(), np.moveaxis(ref, -1, 1), rtol=1e-5, atol=1e-6)


def test_configs_and_errors():
    assert layers.ZeroPadding2D(((1, 0), (2, 3))).get_config()["padding"] == ((1, 0), (2, 3))
    assert layers.ZeroPadding2D((1, 2)).get_config()["padding"] == ((1, 1), (2, 2))
    assert layers.Cropping3D().get_config()["cropping"] == ((1, 1),) * 3
    assert layers.UpSampling2D().get_config()["interpolation"] == "nearest"
    assert layers.UpSampling1D(4).get_config()["size"] == 4
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="cubic")
    with pytest.raises(ValueError, match="non-negative"):
        layers.ZeroPadding2D(-1)
    with pytest.raises(ValueError, match="should have 2 elements"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"cropping.*input_shape=\(2, 4, 5, 3\)"):
        layers.Cropping2D(((2, 2), (0, 0)))(tf.constant(X2))
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.UpSampling2D()(tf.constant(X1))
