"""Conv1D/2D/3DTranspose against the transpose (vjp) of a lax convolution, output_padding."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import layers

import conv_reference as R
from layer_test_utils import check_layer

RNG = np.random.default_rng(3)

CASES = [  # rank, kwargs, spatial, expected output spatial
    (1, dict(kernel_size=3, strides=2, padding="valid"), (4,), (9,)),
    (1, dict(kernel_size=4, strides=2, padding="same"), (5,), (10,)),
    (2, dict(kernel_size=3, strides=2, padding="same", output_padding=0), (3, 4), (5, 7)),
    (2, dict(kernel_size=(3, 2), strides=(2, 3), padding="valid", output_padding=(1, 2)),
     (3, 2), (8, 7)),
    (2, dict(kernel_size=3, padding="same", dilation_rate=2, data_format="channels_first"),
     (4, 5), (4, 5)),
    (3, dict(kernel_size=2, strides=2, padding="same"), (2, 3, 2), (4, 6, 4)),
    (3, dict(kernel_size=3, strides=(1, 2, 2), padding="valid", output_padding=(0, 1, 0)),
     (2, 2, 3), (4, 6, 7)),
]


@pytest.mark.parametrize("rank,kwargs,spatial,out_spatial", CASES)
def test_conv_transpose_values_vs_lax_transpose(rank, kwargs, spatial, out_spatial):
    cls = {1: layers.Conv1DTranspose, 2: layers.Conv2DTranspose, 3: layers.Conv3DTranspose}[rank]
    fmt = kwargs.get("data_format", "channels_last")
    shape = (2, 3) + spatial if fmt == "channels_first" else (2,) + spatial + (3,)
    x = RNG.standard_normal(shape).astype("float32")
    layer = cls(filters=2, bias_initializer="random_normal", **kwargs)
    y = layer(x).numpy()
    assert layer.kernel.shape == layer.kernel_size + (2, 3)
    assert R.spatial_of(y, fmt) == out_spatial
    assert layer.compute_output_shape(shape).as_list() == list(y.shape)
    ref = R.conv_transpose(R.to_last(x, fmt), layer.kernel.numpy(), out_spatial,
                           layer.strides, layer.padding, layer.dilation_rate)
    ref = np.asarray(ref) + layer.bias.numpy()
    np.testing.assert_allclose(y, R.from_last(ref, fmt), rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_contract_and_gradients():
    x = RNG.standard_normal((2, 3, 3, 2)).astype("float32")
    layer, _ = check_layer(layers.Conv2DTranspose,
                           {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                            "output_padding": 1}, x, trainable=2)
    w = layer.kernel.numpy()
    probe = RNG.standard_normal((2, 6, 6, 3)).astype("float32")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt) * probe)
    gx, gw = tape.gradient(loss, [xt, layer.kernel])

    def f(x_, w_):
        return jnp.sum(R.conv_transpose(x_, w_, (6, 6), (2, 2), "same", (1, 1)) * probe)
    rx, rw = jax.grad(f, argnums=(0, 1))(x, w)
    np.testing.assert_allclose(gx.numpy(), rx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gw.numpy(), rw, rtol=1e-4, atol=1e-4)


def test_conv_transpose_errors_and_config():
    with pytest.raises(ValueError, match="Strides must be greater than output padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="expected ndim=5, found ndim=4"):
        layers.Conv3DTranspose(2, 3)(tf.ones((1, 4, 4, 2)))
    with pytest.raises(ValueError, match="causal"):
        layers.Conv1DTranspose(2, 3, padding="causal")
    cfg = layers.Conv2DTranspose(2, 3, output_padding=(1, 0), strides=2).get_config()
    assert cfg["output_padding"] == (1, 0) and "groups" not in cfg
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.Conv3DTranspose(2, 3).name.startswith("conv3d_transpose")
