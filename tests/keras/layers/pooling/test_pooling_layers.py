"""Pooling layers against a window-by-window reference written with jax.numpy slices."""
import itertools
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layer_test_utils import check_layer  # noqa: E402

RNG = np.random.default_rng(1)


def _x(shape):
    return RNG.standard_normal(shape).astype("float32")


def pool_ref(x, kind, pool, strides, padding):
    """Channels-last pooling by stacking every window offset (TF 'same': smaller pad first)."""
    spatial = x.shape[1:-1]
    pads, outs = [], []
    for n, k, s in zip(spatial, pool, strides):
        if padding == "valid":
            out = (n - k) // s + 1
            pads.append((0, 0))
        else:
            out = -(-n // s)
            total = max((out - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
        outs.append(out)
    widths = [(0, 0)] + pads + [(0, 0)]
    fill = -jnp.inf if kind == "max" else 0.0
    xp = jnp.pad(x, widths, constant_values=fill)
    ones = jnp.pad(jnp.ones_like(x), widths)
    vals, counts = [], []
    for offs in itertools.product(*[range(k) for k in pool]):
        idx = (slice(None),) + tuple(slice(o, o + s * (m - 1) + 1, s)
                                     for o, s, m in zip(offs, strides, outs)) + (slice(None),)
        vals.append(xp[idx])
        counts.append(ones[idx])
    if kind == "max":
        return jnp.max(jnp.stack(vals), 0)
    return jnp.sum(jnp.stack(vals), 0) / jnp.sum(jnp.stack(counts), 0)


CASES = [
    (layers.MaxPooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 7, 3)),
    (layers.AveragePooling1D, dict(pool_size=2), (2, 7, 3)),
    (layers.MaxPooling2D, dict(pool_size=(2, 3), strides=(2, 2)), (2, 6, 7, 2)),
    (layers.AveragePooling2D, dict(pool_size=2, strides=2, padding="same"), (1, 5, 5, 2)),
    (layers.MaxPooling2D, dict(padding="same", data_format="channels_first"), (1, 2, 5, 3)),
    (layers.AveragePooling2D, dict(pool_size=3, strides=1, padding="same",
                                   data_format="channels_first"), (1, 2, 4, 5)),
    (layers.MaxPooling3D, dict(pool_size=2, padding="same"), (1, 3, 4, 5, 2)),
    (layers.AveragePooling3D, dict(pool_size=(1, 2, 2), strides=1), (1, 2, 3, 4, 2)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES)
def test_pooling_values_shapes_gradients(cls, kwargs, shape):
    x = _x(shape)
    layer = cls(**kwargs)
    cf = layer.data_format == "channels_first"
    kind = "max" if "Max" in cls.__name__ else "avg"

    def ref(t):
        t = jnp.moveaxis(t, 1, -1) if cf else t
        y = pool_ref(t, kind, layer.pool_size, layer.strides, layer.padding)
        return jnp.moveaxis(y, -1, 1) if cf else y
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), ref(jnp.asarray(x)), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(shape).as_list() == list(y.shape)
    probe = _x(y.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt) * probe)
    np.testing.assert_allclose(tape.gradient(loss, xt).numpy(),
                               jax.grad(lambda t: jnp.sum(ref(t) * probe))(x),
                               rtol=1e-5, atol=1e-6)


def test_max_pool_second_order_vs_jax():
    x = _x((1, 4, 4, 1))
    layer = layers.MaxPooling2D(2, strides=1)
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = tf.reduce_sum(layer(xt * xt) ** 2)
        g = inner.gradient(loss, xt)
        gg = tf.reduce_sum(tf.sin(g))

    def g2(t):
        f = lambda u: jnp.sum(pool_ref(u * u, "max", (2, 2), (1, 1), "valid") ** 2)  # noqa
        return jnp.sum(jnp.sin(jax.grad(f)(t)))
    np.testing.assert_allclose(outer.gradient(gg, xt).numpy(), jax.grad(g2)(x), rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("cls,kind,shape,cf", [
    (layers.GlobalAveragePooling1D, "mean", (2, 5, 3), False),
    (layers.GlobalMaxPooling1D, "max", (2, 3, 5), True),
    (layers.GlobalAveragePooling2D, "mean", (2, 3, 4, 5), False),
    (layers.GlobalMaxPooling2D, "max", (2, 5, 3, 4), True),
    (layers.GlobalAveragePooling3D, "mean", (1, 2, 3, 4, 2), False),
    (layers.GlobalMaxPooling3D, "max", (1, 2, 3, 2, 4), True),
])
def test_global_pooling(cls, kind, shape, cf):
    x = _x(shape)
    rank = len(shape) - 2
    axes = tuple(range(2, 2 + rank)) if cf else tuple(range(1, 1 + rank))
    fn = np.mean if kind == "mean" else np.max
    fmt = "channels_first" if cf else "channels_last"
    layer, y = check_layer(cls, {"data_format": fmt}, x)
    np.testing.assert_allclose(y.numpy(), fn(x, axis=axes), rtol=1e-5, atol=1e-6)
    kept = cls(data_format=fmt, keepdims=True)(x)
    np.testing.assert_allclose(kept.numpy(), fn(x, axis=axes, keepdims=True), rtol=1e-5)
    assert cls(data_format=fmt, keepdims=True).compute_output_shape(shape) == kept.shape


def test_global_average_pooling1d_mask():
    x = _x((2, 4, 3))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = layers.GlobalAveragePooling1D()(x, mask=tf.constant(mask)).numpy()
    np.testing.assert_allclose(y[0], x[0, :2].mean(0), rtol=1e-5)
    np.testing.assert_allclose(y[1], x[1].mean(0), rtol=1e-5)
    inp = keras.Input((4,), dtype="int32")
    emb = layers.Embedding(5, 3, mask_zero=True)(inp)
    model = keras.Model(inp, layers.GlobalAveragePooling1D()(emb))
    ids = np.array([[1, 2, 0, 0]])
    table = model.layers[1].embeddings.numpy()
    np.testing.assert_allclose(model(ids).numpy()[0], table[[1, 2]].mean(0), rtol=1e-5)


def test_pooling_contract_aliases_and_errors():
    check_layer(layers.MaxPooling2D, {"pool_size": 2}, _x((2, 4, 4, 3)))
    check_layer(layers.AveragePooling1D, {"pool_size": 2, "padding": "same"}, _x((2, 5, 3)))
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool3D is \
        layers.AveragePooling3D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    cfg = layers.MaxPooling2D(3, strides=1).get_config()
    assert cfg["pool_size"] == (3, 3) and cfg["strides"] == (1, 1)
    assert layers.MaxPooling2D().name.startswith("max_pooling2d")
    with pytest.raises(ValueError, match=r"max_pool_x.*Received input shape \(1, 1, 1, 2\)"):
        layers.MaxPooling2D(name="max_pool_x")(tf.ones((1, 1, 1, 2)))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.MaxPooling2D()(tf.ones((1, 4, 4)))
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling2D(padding="causal")
