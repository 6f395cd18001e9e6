"""RandomFourierFeatures: values, the kernels it approximates, config, namespaces."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layer_test_utils import check_layer  # noqa: E402

RFF = keras.layers.experimental.RandomFourierFeatures


def test_values_weights_and_contract():
    x = np.random.default_rng(5).standard_normal((4, 3)).astype("float32")
    layer, y = check_layer(RFF, {"output_dim": 6, "scale": 2.0, "trainable": True}, x,
                           trainable=1, non_trainable=2)
    assert [w.name.split("/")[-1] for w in layer.non_trainable_weights] == \
        ["unscaled_kernel:0", "bias:0"]
    assert layer.trainable_weights[0].name.split("/")[-1] == "kernel_scale:0"
    w, b, s = (v.numpy() for v in (layer.unscaled_kernel, layer.bias, layer.kernel_scale))
    np.testing.assert_allclose(layer(x).numpy(), np.cos(x @ (w / s) + b), rtol=1e-5,
                               atol=1e-6)
    frozen = RFF(4)
    frozen(x)
    assert frozen.trainable_weights == [] and frozen.scale == pytest.approx(np.sqrt(1.5))


@pytest.mark.parametrize("kind,kernel", [
    ("gaussian", lambda d, s: np.exp(-np.sum(d ** 2) / (2 * s * s))),
    ("laplacian", lambda d, s: np.exp(-np.sum(np.abs(d)) / s)),
])
def test_features_approximate_the_kernel(kind, kernel):
    tf.random.set_seed(0)
    pts = np.array([[0.1, 0.2], [0.4, -0.3], [-0.5, 0.2]], "float32")
    layer = RFF(20000, kernel_initializer=kind, scale=1.0)
    f = layer(pts).numpy()
    approx = 2.0 / 20000 * f @ f.T
    exact = np.array([[kernel(a - b, 1.0) for b in pts] for a in pts])
    np.testing.assert_allclose(approx, exact, atol=0.05)


def test_errors_config_and_namespaces():
    with pytest.raises(ValueError, match="output_dim=0"):
        RFF(0)
    with pytest.raises(ValueError, match="Unsupported `kernel_initializer`"):
        RFF(3, kernel_initializer="cauchy")
    with pytest.raises(ValueError, match="scale=-1"):
        RFF(3, scale=-1)
    cfg = RFF(3, kernel_initializer="laplacian", scale=0.5).get_config()
    assert (cfg["output_dim"], cfg["kernel_initializer"], cfg["scale"]) == (3, "laplacian", 0.5)
    from tapeflow.keras.layers.experimental import preprocessing
    assert isinstance(preprocessing.__all__, list)
    for name in preprocessing.__all__:
        if hasattr(keras.layers, name):
            assert getattr(preprocessing, name) is getattr(keras.layers, name)
    with pytest.raises(AttributeError):
        preprocessing.NoSuchLayer  # noqa: B018
