"""Every built-in layer and optimizer survives a .keras round trip."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import optimizers, saving

L = keras.layers
X = (np.arange(24, dtype="float32").reshape(4, 6) % 7) / 6.0

LAYERS = [
    lambda: L.Activation("relu"), lambda: L.Dense(3, activation="tanh"),
    lambda: L.Identity(), lambda: L.Masking(0.0), lambda: L.BatchNormalization(),
    lambda: L.LayerNormalization(), lambda: L.UnitNormalization(),
    lambda: L.ActivityRegularization(l1=0.1), lambda: L.AlphaDropout(0.2),
    lambda: L.Dropout(0.3), lambda: L.GaussianDropout(0.2), lambda: L.GaussianNoise(0.1),
    lambda: L.Flatten(), lambda: L.RepeatVector(2), lambda: L.Reshape((3, 2)),
    lambda: L.Permute((1,)),
]


@pytest.mark.parametrize("make", LAYERS, ids=lambda f: type(f()).__name__)
def test_layer_round_trip(tmp_path, make):
    model = keras.Sequential([keras.Input((6,)), make()])
    for w in model.weights:
        w.assign(np.random.RandomState(0).rand(*w.shape).astype("float32") + 0.5)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path)
    layer, back = model.layers[-1], loaded.layers[-1]
    assert type(back) is type(layer) and back.get_config() == layer.get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_merge_and_embedding_layers_round_trip(tmp_path):
    a, b = keras.Input((6,)), keras.Input((6,))
    merged = [m()([a, b]) for m in (L.Add, L.Average, L.Maximum, L.Minimum, L.Multiply,
                                    L.Subtract)]
    dot = L.Dot(axes=1)([a, b])
    out = L.Concatenate()(merged + [dot])
    ids = keras.Input((2,), dtype="int32")
    emb = L.Flatten()(L.Embedding(5, 3)(ids))
    model = keras.Model([a, b, ids], [out, emb])
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path)
    feed = [X, X[::-1].copy(), np.array([[1, 4], [0, 2], [3, 3], [2, 1]], "int32")]
    for got, want in zip(loaded.predict(feed, verbose=0), model.predict(feed, verbose=0)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted(optimizers._ALL))
def test_optimizer_state_round_trip(tmp_path, name):
    model = keras.Sequential([keras.Input((6,)), L.Dense(2)])
    model.compile(optimizers.get(name), "mse")
    y = X[:, :2]
    model.fit(X, y, epochs=1, batch_size=2, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for va, vb in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    la = model.fit(X, y, epochs=1, batch_size=2, verbose=0, shuffle=False).history["loss"]
    lb = loaded.fit(X, y, epochs=1, batch_size=2, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(la, lb, rtol=1e-6)
