"""Recurrent and attention layers move both ways with Keras 3 (`.keras`, `.weights.h5`) and
load tf-keras 2.15 HDF5 weights (tf-keras run in its own venv; skipped when absent)."""
import os
import subprocess
import textwrap

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
try:
    import keras as k3
    HAVE_KERAS3 = int(k3.__version__.split(".")[0]) >= 3
except Exception:  # keras missing, or a Keras 2 that needs TensorFlow
    k3, HAVE_KERAS3 = None, False

from tapeflow import keras  # noqa: E402
from tapeflow.keras import saving  # noqa: E402

needs_k3 = pytest.mark.skipif(not HAVE_KERAS3, reason="keras>=3 is not installed")
TF_PYTHON = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")
IDS = np.array([[3, 1, 4, 1, 5, 0, 0], [2, 7, 1, 8, 2, 8, 1]])
SEQ = np.random.default_rng(5).normal(size=(2, 5, 8)).astype("float32")


def _recurrent(lib):
    return lib.Sequential([
        lib.Input((7,)), lib.layers.Embedding(10, 4, mask_zero=True),
        lib.layers.Bidirectional(lib.layers.GRU(3, return_sequences=True), merge_mode="sum"),
        lib.layers.LSTM(3), lib.layers.Dense(2)])


def _attention(lib):
    x = lib.Input((5, 8))
    y = lib.layers.MultiHeadAttention(2, 4)(x, x)
    return lib.Model(x, lib.layers.TimeDistributed(lib.layers.Dense(2))(y))


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


@needs_k3
@pytest.mark.parametrize("build,x", [(_recurrent, IDS), (_attention, SEQ)])
def test_keras_archives_both_ways(tmp_path, build, x):
    ours = build(keras)
    ours.save(str(tmp_path / "a.keras"))
    theirs = k3.saving.load_model(str(tmp_path / "a.keras"), compile=False)
    _close(ours.predict(x, verbose=0), theirs.predict(x, verbose=0))
    source = build(k3)
    source.save(str(tmp_path / "b.keras"))
    loaded = saving.load_model(str(tmp_path / "b.keras"), compile=False)
    _close(loaded.predict(x, verbose=0), source.predict(x, verbose=0))


@needs_k3
def test_weights_files_both_ways(tmp_path):
    ours, theirs = _recurrent(keras), _recurrent(k3)
    ours.save_weights(str(tmp_path / "a.weights.h5"))
    theirs.load_weights(str(tmp_path / "a.weights.h5"))
    _close(ours.predict(IDS, verbose=0), theirs.predict(IDS, verbose=0))
    other = _recurrent(k3)
    other.save_weights(str(tmp_path / "b.weights.h5"))
    ours.load_weights(str(tmp_path / "b.weights.h5"))
    _close(ours.predict(IDS, verbose=0), other.predict(IDS, verbose=0))


@pytest.mark.skipif(not os.path.exists(TF_PYTHON), reason="no tf-keras venv")
def test_tf_keras_hdf5_weights_load(tmp_path):
    path = str(tmp_path / "tfk.h5")
    script = textwrap.dedent(f"""
        import os, numpy as np
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tf_keras as k
        m = k.Sequential([k.layers.Embedding(10, 4, mask_zero=True, input_shape=(7,)),
                          k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True),
                                                 merge_mode="sum"),
                          k.layers.LSTM(3), k.layers.Dense(2)])
        m.save_weights({path!r})
        np.save({path!r} + ".npy", m.predict(np.array({IDS.tolist()!r}), verbose=0))
    """)
    done = subprocess.run([TF_PYTHON, "-c", script], capture_output=True, text=True,
                          timeout=300)
    # the venv is there (checked above): a failing script is a failure, not a skip
    assert done.returncode == 0, f"tf-keras script failed: {done.stderr[-2000:]}"
    ours = _recurrent(keras)
    ours.load_weights(path)
    _close(ours.predict(IDS, verbose=0), np.load(path + ".npy"))
