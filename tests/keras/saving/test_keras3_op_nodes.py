"""Keras 3 functional archives with keras.ops nodes (Embedding(mask_zero) → NotEqual) load."""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
try:
    import keras as k3
    HAVE_KERAS3 = int(k3.__version__.split(".")[0]) >= 3
except ImportError:
    k3, HAVE_KERAS3 = None, False

from tapeflow import keras  # noqa: E402

pytestmark = pytest.mark.skipif(not HAVE_KERAS3, reason="keras>=3 is not installed")


def test_masked_functional_model_from_keras3_predicts_the_same(tmp_path):
    inp = k3.Input((None,))
    x = k3.layers.Embedding(10, 4, mask_zero=True)(inp)
    x = k3.layers.LSTM(3)(x)
    model = k3.Model(inp, k3.layers.Dense(2)(x))
    path = str(tmp_path / "masked.keras")
    model.save(path)
    ids = np.array([[3, 1, 4, 0, 0, 0, 0], [2, 7, 1, 8, 2, 8, 1]])
    loaded = keras.models.load_model(path)
    assert [type(l).__name__ for l in loaded.layers].count("NotEqual") == 1
    np.testing.assert_allclose(loaded(ids).numpy(), np.asarray(model(ids)), rtol=1e-5,
                               atol=1e-6)
    # the NotEqual node's mask reaches the LSTM: padding changes nothing
    np.testing.assert_allclose(loaded(ids[:1, :3]).numpy(), loaded(ids[:1]).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_unknown_keras3_op_names_the_class():
    from tapeflow.keras.saving import serialization
    with pytest.raises(ValueError, match="Could not locate class 'NoSuchOp'"):
        serialization.resolve_class({"class_name": "NoSuchOp", "module": "keras.src.ops.numpy"})
