"""Archives moving both ways with Keras 3 (JAX backend).

Skipped only when no Keras 3 distribution is installed (keras is in the dev
extra). An installed Keras 3 that fails to import fails these tests: the
import error is raised in every test, not turned into a skip.
"""
import importlib
import importlib.metadata
import os

import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import saving

os.environ.setdefault("KERAS_BACKEND", "jax")


def _installed_keras_major():
    try:
        return int(importlib.metadata.version("keras").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return None


pytestmark = pytest.mark.skipif((_installed_keras_major() or 0) < 3,
                                reason="no keras>=3 distribution is installed")


@pytest.fixture(scope="module")
def k3():
    """The installed Keras 3, imported for real (an ImportError fails the test)."""
    return importlib.import_module("keras")
X = (np.arange(12, dtype="float32").reshape(4, 3) % 5) / 4.0


def test_keras3_loads_tapeflow_archive(k3, tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    path = str(tmp_path / "tf.keras")
    model.save(path)
    other = k3.saving.load_model(path, compile=False)
    np.testing.assert_allclose(np.asarray(other.predict(X, verbose=0)),
                               model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_tapeflow_loads_keras3_archive(k3, tmp_path):
    inputs = k3.Input((3,))
    outputs = k3.layers.Dense(1)(k3.layers.Dense(4, activation="relu")(inputs))
    source = k3.Model(inputs, outputs)
    path = str(tmp_path / "k3.keras")
    source.save(path)
    model = saving.load_model(path, compile=False)
    np.testing.assert_allclose(model.predict(X, verbose=0),
                               np.asarray(source.predict(X, verbose=0)), rtol=1e-5, atol=1e-6)


def test_keras3_loads_tapeflow_functional_archive(k3, tmp_path):
    x = keras.Input((3,))
    a = keras.layers.Dense(2, activation="tanh")(x)
    b = keras.layers.Dense(2)(x)
    model = keras.Model(x, keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))
    path = str(tmp_path / "f.keras")
    model.save(path)
    other = k3.saving.load_model(path, compile=False)
    np.testing.assert_allclose(np.asarray(other.predict(X, verbose=0)),
                               model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_tapeflow_loads_keras3_sequential_archive(k3, tmp_path):
    source = k3.Sequential([k3.Input((3,)), k3.layers.Dense(4, activation="relu"),
                            k3.layers.BatchNormalization(), k3.layers.Dense(2)])
    path = str(tmp_path / "s.keras")
    source.save(path)
    model = saving.load_model(path, compile=False)
    np.testing.assert_allclose(model.predict(X, verbose=0),
                               np.asarray(source.predict(X, verbose=0)), rtol=1e-5, atol=1e-6)


Y = X.sum(axis=1, keepdims=True)


def _resume_losses(a, b):
    la = a.fit(X, Y, epochs=1, batch_size=4, verbose=0, shuffle=False).history["loss"]
    lb = b.fit(X, Y, epochs=1, batch_size=4, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(la, lb, rtol=1e-5)


def test_training_state_moves_to_keras3(k3, tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(X, Y, epochs=1, batch_size=2, verbose=0)
    path = str(tmp_path / "c.keras")
    model.save(path)
    other = k3.saving.load_model(path)
    assert int(other.optimizer.iterations) == 2
    np.testing.assert_allclose(float(other.optimizer.learning_rate), 0.01, rtol=1e-6)
    _resume_losses(model, other)


def test_training_state_moves_from_keras3(k3, tmp_path):
    source = k3.Sequential([k3.Input((3,)), k3.layers.Dense(2), k3.layers.Dense(1)])
    source.compile(k3.optimizers.Adam(0.01), "mse")
    source.fit(X, Y, epochs=1, batch_size=2, verbose=0)
    path = str(tmp_path / "k.keras")
    source.save(path)
    model = saving.load_model(path)
    assert int(model.optimizer.iterations.numpy()) == 2
    _resume_losses(source, model)


def test_keras3_batchnorm_archive_loads(k3, tmp_path):
    # Keras 3 records `mask=None` for BatchNormalization calls and writes Keras-3-only
    # LayerNormalization keys; both must load, giving the same predictions.
    inputs = k3.Input((3,))
    x = k3.layers.BatchNormalization()(k3.layers.Dense(4)(inputs))
    x = k3.layers.LayerNormalization()(k3.layers.Dropout(0.2)(x))
    source = k3.Model(inputs, k3.layers.Dense(1)(x))
    source.layers[2].moving_mean.assign(np.arange(4, dtype="float32"))
    path = str(tmp_path / "bn.keras")
    source.save(path)
    model = saving.load_model(path, compile=False)
    np.testing.assert_allclose(model.predict(X, verbose=0),
                               np.asarray(source.predict(X, verbose=0)), rtol=1e-5, atol=1e-6)
