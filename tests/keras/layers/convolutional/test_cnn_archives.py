"""CNN models using every layer of this package family: summary, `.keras` round trip, and
archives moving both ways with Keras 3 (JAX backend; skipped when keras 3 is absent)."""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
try:
    import keras as k3
    HAVE_KERAS3 = int(k3.__version__.split(".")[0]) >= 3
except Exception:  # keras missing, or a Keras 2 that needs TensorFlow
    k3, HAVE_KERAS3 = None, False

from tapeflow import keras  # noqa: E402
from tapeflow.keras import saving  # noqa: E402

RNG = np.random.default_rng(7)
X2 = RNG.standard_normal((2, 8, 8, 3)).astype("float32")
X3 = RNG.standard_normal((2, 4, 4, 4, 2)).astype("float32")


def build_2d(lib):
    L = lib.layers
    x = lib.Input((8, 8, 3))
    a = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    a = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(a)
    a = L.SeparableConv2D(4, 3, padding="same")(a)
    a = L.ReLU(max_value=6.0)(L.BatchNormalization()(a))
    a = L.ZeroPadding2D(((1, 0), (0, 1)))(L.MaxPooling2D()(a))
    a = L.UpSampling2D(2, interpolation="bilinear")(L.Cropping2D(((1, 0), (0, 1)))(a))
    a = L.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1)(a)
    a = L.LeakyReLU(0.1)(L.PReLU(shared_axes=[1, 2])(L.AveragePooling2D(2)(a)))
    m = L.Concatenate()([L.GlobalAveragePooling2D()(a), L.GlobalMaxPooling2D()(a)])
    m = L.Conv1D(2, 3, padding="causal")(L.Reshape((6, 1))(m))
    m = L.ZeroPadding1D(1)(L.UpSampling1D(2)(L.MaxPooling1D(2)(m)))
    m = L.SeparableConv1D(2, 2)(L.Conv1DTranspose(2, 2)(L.Cropping1D(1)(m)))
    m = L.ELU()(L.GlobalAveragePooling1D()(L.DepthwiseConv1D(2)(m)))
    return lib.Model(x, L.Softmax()(L.Dense(3)(m)))


def build_3d(lib):
    L = lib.layers
    x = lib.Input((4, 4, 4, 2))
    a = L.Conv3D(3, 2, padding="same")(x)
    a = L.Conv3DTranspose(2, 3, strides=2, padding="same")(L.MaxPooling3D()(a))
    a = L.ZeroPadding3D(1)(L.UpSampling3D((1, 2, 1))(L.AveragePooling3D(2)(a)))
    a = L.GlobalMaxPooling3D()(L.Cropping3D(((1, 0), (0, 1), (1, 1)))(a))
    return lib.Model(x, a)


def test_summary_shapes_and_params():
    model = build_3d(keras)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 4, 4, 4, 3)" in text and "conv3d (Conv3D)" in text
    assert "conv3d_transpose (Conv3DTr" in text and "(None, 4, 4, 4, 2)" in text
    conv3d = 2 * 2 * 2 * 2 * 3 + 3
    transpose = 3 * 3 * 3 * 3 * 2 + 2
    assert model.count_params() == conv3d + transpose
    assert f"Total params: {conv3d + transpose:,}" in text


@pytest.mark.parametrize("builder,x", [(build_2d, X2), (build_3d, X3)])
def test_keras_archive_round_trip(tmp_path, builder, x):
    model = builder(keras)
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = saving.load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert [w.shape for w in again.weights] == [w.shape for w in model.weights]


@pytest.mark.skipif(not HAVE_KERAS3, reason="keras>=3 is not installed")
@pytest.mark.parametrize("builder,x", [(build_2d, X2), (build_3d, X3)])
def test_archives_move_both_ways_with_keras3(tmp_path, builder, x):
    model = builder(keras)
    path = str(tmp_path / "tf.keras")
    model.save(path)
    other = k3.saving.load_model(path, compile=False)
    np.testing.assert_allclose(np.asarray(other.predict(x, verbose=0)),
                               model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    source = builder(k3)
    path = str(tmp_path / "k3.keras")
    source.save(path)
    mine = saving.load_model(path, compile=False)
    np.testing.assert_allclose(mine.predict(x, verbose=0),
                               np.asarray(source.predict(x, verbose=0)), rtol=1e-4, atol=1e-5)
