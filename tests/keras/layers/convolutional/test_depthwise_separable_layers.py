"""DepthwiseConv1D/2D and SeparableConv1D/2D against channel-by-channel lax convolutions."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import layers

import conv_reference as R
from layer_test_utils import check_layer

RNG = np.random.default_rng(4)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (layers.DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2, padding="same"),
     (2, 7, 3)),
    (layers.DepthwiseConv2D, dict(kernel_size=(2, 3), strides=2, padding="same"),
     (2, 5, 6, 3)),
    (layers.DepthwiseConv2D, dict(kernel_size=3, depth_multiplier=3, dilation_rate=2,
                                  data_format="channels_first"), (1, 2, 7, 7)),
])
def test_depthwise_values(cls, kwargs, shape):
    x = RNG.standard_normal(shape).astype("float32")
    layer = cls(bias_initializer="random_normal", **kwargs)
    fmt = layer.data_format
    y = layer(x).numpy()
    w = layer.depthwise_kernel.numpy()
    assert w.shape == layer.kernel_size + (3 if len(shape) == 3 or fmt != "channels_first"
                                           else 2, layer.depth_multiplier)
    ref = R.depthwise(R.to_last(x, fmt), w, layer.strides, layer.padding,
                      layer.dilation_rate) + layer.bias.numpy()
    np.testing.assert_allclose(y, R.from_last(np.asarray(ref), fmt), rtol=1e-4, atol=1e-5)
    assert layer.compute_output_shape(shape).as_list() == list(y.shape)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (layers.SeparableConv1D, dict(filters=4, kernel_size=3, padding="causal",
                                  depth_multiplier=2), (2, 6, 3)),
    (layers.SeparableConv2D, dict(filters=5, kernel_size=3, strides=2, padding="same"),
     (2, 6, 5, 3)),
])
def test_separable_values_and_gradients(cls, kwargs, shape):
    x = RNG.standard_normal(shape).astype("float32")
    layer = cls(bias_initializer="random_normal", **kwargs)
    y = layer(x)
    dw, pw, b = (v.numpy() for v in (layer.depthwise_kernel, layer.pointwise_kernel,
                                     layer.bias))
    assert pw.shape == (1,) * layer.rank + (3 * layer.depth_multiplier, layer.filters)

    def ref(x_, dw_, pw_):
        mid = R.depthwise(x_, dw_, layer.strides, layer.padding, layer.dilation_rate)
        return jnp.einsum("...c,co->...o", mid, pw_.reshape(pw_.shape[-2:])) + b
    np.testing.assert_allclose(y.numpy(), ref(x, dw, pw), rtol=1e-4, atol=1e-5)
    probe = RNG.standard_normal(y.shape).astype("float32")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt) * probe)
    got = tape.gradient(loss, [xt, layer.depthwise_kernel, layer.pointwise_kernel])
    want = jax.grad(lambda *a: jnp.sum(ref(*a) * probe), argnums=(0, 1, 2))(x, dw, pw)
    for g, r in zip(got, want):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-4, atol=1e-4)


def test_contracts_configs_and_errors():
    x = RNG.standard_normal((2, 5, 5, 2)).astype("float32")
    check_layer(layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2}, x,
                trainable=2)
    check_layer(layers.SeparableConv2D, {"filters": 3, "kernel_size": 2}, x, trainable=3)
    cfg = layers.DepthwiseConv2D(3, depth_multiplier=2).get_config()
    assert cfg["depth_multiplier"] == 2 and "filters" not in cfg and "groups" not in cfg
    assert "depthwise_initializer" in cfg and "kernel_initializer" not in cfg
    cfg = layers.SeparableConv2D(4, 3).get_config()
    assert cfg["filters"] == 4 and "pointwise_initializer" in cfg
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    assert layers.DepthwiseConv2D(3).name.startswith("depthwise_conv2d")
    with pytest.raises(ValueError, match="Causal padding"):
        layers.DepthwiseConv1D(3, padding="causal")
    with pytest.raises(ValueError, match="Causal padding"):
        layers.SeparableConv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="depth_multiplier=0"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.SeparableConv2D(2, 3)(tf.ones((1, 5, 2)))
