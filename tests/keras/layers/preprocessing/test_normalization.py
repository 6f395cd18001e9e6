"""Normalization: adapt, given statistics, invert, axes; values from NumPy and TF's docs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


def test_documented_adapt_axis_none():
    layer = keras.layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0], "float32")).numpy(),
                               [-1.4142135, -0.70710677, 0.0], rtol=1e-6)


def test_given_mean_variance_and_invert():
    layer = keras.layers.Normalization(mean=3.0, variance=2.0)
    x = np.array([1.0, 2.0, 3.0], "float32")
    y = layer(x).numpy()
    np.testing.assert_allclose(y, (x - 3.0) / np.sqrt(2.0), rtol=1e-6)
    inv = keras.layers.Normalization(mean=3.0, variance=2.0, invert=True)
    np.testing.assert_allclose(inv(y).numpy(), x, rtol=1e-6)
    with pytest.raises(ValueError, match="both must be set"):
        keras.layers.Normalization(mean=1.0)


def test_adapt_per_feature_axes_against_numpy(rng):
    data = rng.normal(size=(40, 3, 4)).astype("float32") * [1.0, 5.0, 0.1, 2.0] + 3.0
    for axis, keep in ((-1, (2,)), ((1, 2), (1, 2)), (1, (1,))):
        layer = keras.layers.Normalization(axis=axis)
        # Dataset of batches: statistics merge across batches
        layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(16))
        red = tuple(d for d in range(3) if d not in keep)
        mean = data.mean(axis=red, keepdims=True)
        std = data.std(axis=red, keepdims=True)
        np.testing.assert_allclose(layer(data).numpy(), (data - mean) / std, atol=2e-4)


def test_works_compiled_in_models_and_saves(tmp_path):
    layer = keras.layers.Normalization()
    layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]], "float32"))
    x = np.array([[1.0, 20.0]], "float32")
    fn = tf.function(lambda t: layer(t))
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), [[0.0, 0.0]], atol=1e-6)
    inp = keras.Input((2,))
    model = keras.Model(inp, layer(inp))
    path = str(tmp_path / "norm.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(np.array([[2.0, 30.0]]), verbose=0),
                               [[1.0, 1.0]], atol=1e-6)
    cfg = keras.layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0]).get_config()
    assert cfg["mean"] == [1.0, 2.0]
    clone = keras.layers.Normalization.from_config(cfg)
    np.testing.assert_allclose(clone(np.array([[2.0, 4.0]])).numpy(), [[1.0, 1.0]])


def test_errors():
    with pytest.raises(ValueError, match="known shape.*axis=\\(-1,\\)"):
        keras.layers.Normalization().adapt(np.array([1.0, 2.0, 3.0]))  # as TF: 1-D, axis -1
    layer = keras.layers.Normalization()
    with pytest.raises(ValueError, match="normalization.*string"):
        layer.adapt(np.array([["a"], ["b"]]))
    with pytest.raises(ValueError, match="normalization.*string"):
        keras.layers.Normalization(mean=0.0, variance=1.0)(tf.constant([["a"]]))
    with pytest.raises(ValueError, match="empty dataset"):
        keras.layers.Normalization().adapt(np.zeros((0, 3), "float32"))
    with pytest.raises(ValueError, match="empty dataset"):
        keras.layers.Normalization().adapt(tf.data.Dataset.from_tensor_slices(
            np.zeros((0, 2), "float32")))


def test_tf_keras_h5_files_with_count_load_both_ways(tmp_path):
    # tf.keras 2.15 keeps [mean, variance, count]; this layer keeps Keras 3's two.
    from tf_peer import tf_eval
    x = np.arange(24, dtype="float32").reshape(8, 3) ** 1.5

    def build(adapt):
        inp = keras.Input((3,))
        norm = keras.layers.Normalization()
        if adapt:
            norm.adapt(x)
        return keras.Model(inp, keras.layers.Dense(2, kernel_initializer="ones")(norm(inp)))

    ours = build(adapt=True)
    ours.save(tmp_path / "ours.h5")
    ref = tf_eval(f"""
import numpy as np
x = np.arange(24, dtype="float32").reshape(8, 3) ** 1.5
inp = tf.keras.Input((3,))
norm = tf.keras.layers.Normalization()
norm.adapt(x)
m = tf.keras.Model(inp, tf.keras.layers.Dense(2, kernel_initializer="ones")(norm(inp)))
m.save({str(tmp_path / "tf.h5")!r})
m.save_weights({str(tmp_path / "tf_weights.h5")!r})
loaded = tf.keras.models.load_model({str(tmp_path / "ours.h5")!r})
print(json.dumps({{"pred": m.predict(x, verbose=0).tolist(),
                   "ours": loaded.predict(x, verbose=0).tolist(),
                   "count": int(loaded.layers[1].count.numpy())}}))
""")
    np.testing.assert_allclose(ref["ours"], ours.predict(x, verbose=0), rtol=1e-5)
    assert ref["count"] == 8  # values per feature adapted on
    model = keras.models.load_model(tmp_path / "tf.h5")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["pred"], rtol=1e-5)
    fresh = build(adapt=False)
    fresh.load_weights(tmp_path / "tf_weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), ref["pred"], rtol=1e-5)
    assert len(fresh.layers[1].weights) == 2
