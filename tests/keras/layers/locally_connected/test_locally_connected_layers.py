"""LocallyConnected1D/2D against NumPy loops with tf.keras's implementation-1 weight layout."""
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layer_test_utils import check_layer  # noqa: E402

RNG = np.random.default_rng(6)


def local_ref(x, kernel, bias, ksize, strides, out, channels_first):
    """Output position p (row-major) uses kernel[p] on its patch, flattened as tf.keras does."""
    y = np.zeros((x.shape[0],) + tuple(out) + (kernel.shape[-1],), "float32")
    for p, pos in enumerate(itertools.product(*[range(o) for o in out])):
        sl = tuple(slice(i * s, i * s + k) for i, s, k in zip(pos, strides, ksize))
        patch = x[(slice(None), slice(None)) + sl] if channels_first else \
            x[(slice(None),) + sl + (slice(None),)]
        y[(slice(None),) + pos] = patch.reshape(x.shape[0], -1) @ kernel[p]
    y = y + bias
    return np.moveaxis(y, -1, 1) if channels_first else y


@pytest.mark.parametrize("cls,kwargs,shape,out", [
    (layers.LocallyConnected1D, dict(filters=3, kernel_size=2, strides=2), (2, 7, 4), (3,)),
    (layers.LocallyConnected2D, dict(filters=2, kernel_size=(2, 3)), (2, 4, 5, 3), (3, 3)),
    (layers.LocallyConnected2D, dict(filters=2, kernel_size=2, strides=2,
                                     data_format="channels_first"), (1, 3, 5, 4), (2, 2)),
])
def test_locally_connected_values(cls, kwargs, shape, out):
    x = RNG.standard_normal(shape).astype("float32")
    layer, _ = check_layer(cls, dict(kwargs, bias_initializer="random_normal"), x,
                           trainable=2)
    cf = layer.data_format == "channels_first"
    channels = shape[1] if cf else shape[-1]
    assert layer.kernel.shape == (int(np.prod(out)), int(np.prod(layer.kernel_size)) *
                                  channels, layer.filters)
    assert layer.bias.shape == tuple(out) + (layer.filters,)
    ref = local_ref(x, layer.kernel.numpy(), layer.bias.numpy(), layer.kernel_size,
                    layer.strides, out, cf)
    np.testing.assert_allclose(layer(x).numpy(), ref, rtol=1e-4, atol=1e-5)


def test_locally_connected_errors():
    with pytest.raises(NotImplementedError, match="LocallyConnected2D.*implementation=2"):
        layers.LocallyConnected2D(2, 3, implementation=2)
    with pytest.raises(ValueError, match='only supports padding="valid"'):
        layers.LocallyConnected1D(2, 3, padding="same")
    with pytest.raises(ValueError, match=r"input_shape=\(1, 2, 2, 1\)"):
        layers.LocallyConnected2D(2, 3)(tf.ones((1, 2, 2, 1)))
    assert layers.LocallyConnected1D(2, 3).get_config()["implementation"] == 1
