"""Conv1D/2D/3D against lax.conv_general_dilated with TF's padding, plus shapes and errors."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

import conv_reference as R
from layer_test_utils import check_layer

RNG = np.random.default_rng(0)


def _x(shape):
    return RNG.standard_normal(shape).astype("float32")


CASES = [  # rank, kwargs, spatial
    (1, dict(filters=3, kernel_size=3, padding="valid"), (7,)),
    (1, dict(filters=2, kernel_size=4, padding="same", strides=2), (9,)),
    (1, dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2, groups=2), (8,)),
    (2, dict(filters=4, kernel_size=(2, 4), padding="same", strides=(2, 3)), (7, 8)),
    (2, dict(filters=4, kernel_size=3, padding="same", dilation_rate=2, groups=2), (6, 7)),
    (2, dict(filters=2, kernel_size=3, padding="valid", data_format="channels_first"),
     (6, 5)),
    (2, dict(filters=4, kernel_size=2, padding="same", strides=2, groups=4,
             data_format="channels_first"), (5, 6)),
    (3, dict(filters=2, kernel_size=(2, 3, 2), padding="same", strides=2), (4, 5, 3)),
    (3, dict(filters=2, kernel_size=2, padding="valid", dilation_rate=(1, 2, 1)), (3, 5, 4)),
]


@pytest.mark.parametrize("rank,kwargs,spatial", CASES)
def test_conv_values_and_shapes_vs_lax(rank, kwargs, spatial):
    cls = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}[rank]
    fmt = kwargs.get("data_format", "channels_last")
    cin = 4
    shape = (2, cin) + spatial if fmt == "channels_first" else (2,) + spatial + (cin,)
    x = _x(shape)
    layer = cls(bias_initializer="random_normal", **kwargs)
    y = layer(x).numpy()
    assert layer.kernel.shape == layer.kernel_size + (cin // layer.groups, layer.filters)
    ref = R.conv(R.to_last(x, fmt), layer.kernel.numpy(), layer.strides, layer.padding,
                 layer.dilation_rate, layer.groups) + layer.bias.numpy()
    np.testing.assert_allclose(y, R.from_last(np.asarray(ref), fmt), rtol=1e-4, atol=1e-5)
    assert layer.compute_output_shape(shape).as_list() == list(y.shape)
    sym = layer(keras.Input(shape[1:]))
    assert sym.shape.as_list() == [None] + list(y.shape[1:])


def test_conv2d_even_kernel_same_padding_matches_numpy_loop():
    # TF's 'same': pad total = (ceil(5/2)-1)*2 + 4 - 5 = 3 -> 1 before, 2 after
    x = _x((1, 5, 5, 2))
    layer = layers.Conv2D(3, 4, strides=2, padding="same", use_bias=False)
    y = layer(x).numpy()
    w = layer.kernel.numpy()
    xp = np.pad(x, ((0, 0), (1, 2), (1, 2), (0, 0)))
    ref = np.zeros((1, 3, 3, 3), "float32")
    for i in range(3):
        for j in range(3):
            patch = xp[0, 2 * i:2 * i + 4, 2 * j:2 * j + 4, :]
            ref[0, i, j] = np.einsum("hwc,hwco->o", patch, w)
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (layers.Conv1D, dict(filters=3, kernel_size=2, padding="causal"), (2, 5, 2)),
    (layers.Conv2D, dict(filters=2, kernel_size=3, activation="relu"), (2, 5, 5, 3)),
    (layers.Conv3D, dict(filters=2, kernel_size=2, strides=2), (1, 4, 4, 4, 1)),
])
def test_conv_layer_contract(cls, kwargs, shape):
    check_layer(cls, kwargs, _x(shape), trainable=2)


def test_conv_gradients_vs_jax_grad():
    x = _x((2, 6, 5, 4))
    layer = layers.Conv2D(4, 3, strides=2, padding="same", groups=2)
    layer.build(x.shape)
    w, b = layer.kernel.numpy(), layer.bias.numpy()
    probe = _x(layer.compute_output_shape(x.shape).as_list())
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt) * probe)
    gx, gw, gb = tape.gradient(loss, [xt, layer.kernel, layer.bias])

    def f(x_, w_, b_):
        return jnp.sum((R.conv(x_, w_, (2, 2), "same", (1, 1), 2) + b_) * probe)
    rx, rw, rb = jax.grad(f, argnums=(0, 1, 2))(x, w, b)
    for got, ref in ((gx, rx), (gw, rw), (gb, rb)):
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-4, atol=1e-4)


def test_conv_second_order_vs_jax():
    x = _x((1, 5, 5, 2))
    layer = layers.Conv2D(2, 3, padding="same", use_bias=False)
    layer.build(x.shape)
    w = layer.kernel.numpy()
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = tf.reduce_sum(tf.sin(layer(xt)))
        gx = inner.gradient(loss, xt)
        gg = tf.reduce_sum(gx * gx)
    ggx, ggw = outer.gradient(gg, [xt, layer.kernel])

    def g2(x_, w_):
        gx_ = jax.grad(lambda t: jnp.sum(jnp.sin(R.conv(t, w_, (1, 1), "same", (1, 1)))))(x_)
        return jnp.sum(gx_ * gx_)
    rx, rw = jax.grad(g2, argnums=(0, 1))(x, w)
    np.testing.assert_allclose(ggx.numpy(), rx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ggw.numpy(), rw, rtol=1e-4, atol=1e-4)


def test_conv_extra_batch_dims_are_flattened():
    x = _x((2, 3, 6, 6, 1))
    layer = layers.Conv2D(2, 3)
    y = layer(x)
    assert y.shape == (2, 3, 4, 4, 2)
    np.testing.assert_allclose(y.numpy()[1, 2], layer(x[1])[2].numpy(), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(x.shape).as_list() == [2, 3, 4, 4, 2]


def test_conv_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"conv2d.*expected min_ndim=4, found ndim=3"):
        layers.Conv2D(2, 3, name="conv2d")(tf.ones((2, 5, 5)))
    layer = layers.Conv2D(2, 3)
    layer(tf.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 3"):
        layer(tf.ones((1, 5, 5, 4)))
    with pytest.raises(ValueError, match="input channels must be evenly divisible.*groups=2"):
        layers.Conv2D(4, 3, groups=2)(tf.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="filters must be evenly divisible.*groups=2, filters=3"):
        layers.Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match=r"conv2d_k.*Received input shape \(1, 2, 2, 1\)"):
        layers.Conv2D(2, 3, name="conv2d_k")(tf.ones((1, 2, 2, 1)))
    with pytest.raises(ValueError, match="strides > 1.*dilation_rate > 1"):
        layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="Causal padding is only supported"):
        layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="Received filters=0"):
        layers.Conv1D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(2, (3, 3, 3))


def test_conv_aliases_names_and_config():
    assert layers.Convolution2D is layers.Conv2D and layers.Convolution1D is layers.Conv1D
    assert layers.Convolution3D is layers.Conv3D
    layer = layers.Conv2D(8, 3, strides=(2, 1), padding="same", data_format="channels_first")
    assert layer.name.startswith("conv2d")
    cfg = layer.get_config()
    assert cfg["kernel_size"] == (3, 3) and cfg["strides"] == (2, 1)
    assert cfg["data_format"] == "channels_first" and cfg["groups"] == 1
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.get_config() == cfg
