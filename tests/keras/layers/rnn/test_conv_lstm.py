"""ConvLSTM1D/2D/3D against a jax loop over lax.conv_general_dilated (values and gradients)."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

RNG = np.random.default_rng(4)


def hard_sigmoid(x):
    return jnp.clip(0.2 * x + 0.5, 0.0, 1.0)


def _conv(x, k, strides, padding):
    n = x.ndim - 2
    dims = {1: ("NWC", "WIO", "NWC"), 2: ("NHWC", "HWIO", "NHWC"),
            3: ("NDHWC", "DHWIO", "NDHWC")}[n]
    return jax.lax.conv_general_dilated(x, k, strides, padding, dimension_numbers=dims)


@functools.partial(jax.jit, static_argnames=("strides", "padding"))
def _reference(x, kernel, rec, bias, strides, padding):
    f = rec.shape[-2]
    h = c = None
    outs = []
    for t in range(x.shape[1]):
        z = _conv(x[:, t], kernel, strides, padding) + bias
        if h is None:
            h = c = jnp.zeros(z.shape[:-1] + (f,), z.dtype)
        z = z + _conv(h, rec, (1,) * len(strides), "SAME")
        i, fg, g, o = (z[..., k * f:(k + 1) * f] for k in range(4))
        c = hard_sigmoid(fg) * c + hard_sigmoid(i) * jnp.tanh(g)
        h = hard_sigmoid(o) * jnp.tanh(c)
        outs.append(h)
    return jnp.stack(outs, 1), c


@pytest.mark.parametrize("cls,shape,strides,padding", [
    (keras.layers.ConvLSTM1D, (2, 3, 7, 2), 2, "valid"),
    (keras.layers.ConvLSTM2D, (2, 3, 5, 5, 2), 1, "same"),
    (keras.layers.ConvLSTM3D, (1, 2, 3, 3, 3, 1), 1, "same")])
def test_conv_lstm_matches_reference(cls, shape, strides, padding):
    layer = cls(3, 3, strides=strides, padding=padding, return_sequences=True,
                return_state=True, bias_initializer="random_normal")
    x = tf.constant(RNG.normal(size=shape).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, h, c = layer(x)
        loss = tf.reduce_sum(out ** 2)
    rank = len(shape) - 3
    st = (strides,) * rank
    w = [v.numpy() for v in layer.weights]
    ref, ref_c = _reference(x.numpy(), *w, strides=st, padding=padding.upper())
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-4, atol=1e-5)
    if rank == 3:
        return  # gradients: the 1-D and 2-D cases run the same code (saves a compile)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    ref_grads = jax.grad(lambda x, w: jnp.sum(_reference(x, *w, strides=st,
                                                         padding=padding.upper())[0] ** 2),
                         (0, 1))(x.numpy(), w)
    for g, r in zip(grads, [ref_grads[0]] + list(ref_grads[1])):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-3, atol=1e-4)


def test_conv_lstm_weights_config_and_channels_first():
    layer = keras.layers.ConvLSTM2D(4, (3, 2), padding="same", name="conv_lstm2d")
    x = RNG.normal(size=(1, 2, 5, 4, 3)).astype("float32")
    y = layer(x)
    assert [tuple(v.shape) for v in layer.weights] == [(3, 2, 3, 16), (3, 2, 4, 16), (16,)]
    assert layer.weights[0].name == "conv_lstm2d/conv_lstm_cell/kernel:0"
    clone = keras.layers.ConvLSTM2D.from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), y.numpy(), rtol=1e-6)
    first = keras.layers.ConvLSTM2D(4, (3, 2), padding="same", data_format="channels_first")
    xf = np.transpose(x, (0, 1, 4, 2, 3))
    first(xf)
    first.set_weights(layer.get_weights())
    np.testing.assert_allclose(first(xf).numpy(), np.transpose(y.numpy(), (0, 3, 1, 2)),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="expected ndim=5"):
        layer(x[0])
