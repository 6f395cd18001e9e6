"""save_weights / load_weights: Keras 3 layout, structure matching, errors, atomicity."""
import h5py
import numpy as np
import pytest

from tapeflow import keras
import tapeflow.keras.saving  # noqa: F401  (installs Model.save_weights/load_weights)
from tapeflow.keras.saving import h5_weights


def _mlp(units=3):
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(units),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1)])


def _x():
    return np.arange(8, dtype="float32").reshape(4, 2) / 7.0


def test_round_trip_restores_every_weight(tmp_path):
    a, b = _mlp(), _mlp()
    for w in a.weights:
        w.assign(np.random.RandomState(1).rand(*w.shape).astype("float32"))
    path = str(tmp_path / "m.weights.h5")
    a.save_weights(path)
    b.load_weights(path)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())
    np.testing.assert_allclose(a.predict(_x(), verbose=0), b.predict(_x(), verbose=0))


def test_layout_uses_keras3_object_paths(tmp_path):
    m = _mlp()
    path = str(tmp_path / "m.weights.h5")
    m.save_weights(path)
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], m.layers[0].kernel.numpy())
        np.testing.assert_array_equal(f["layers/dense/vars/1"][()], m.layers[0].bias.numpy())
        assert sorted(f["layers/batch_normalization/vars"]) == ["0", "1", "2", "3"]
        assert f["layers/dense_1/vars/0"].shape == (3, 1)


def test_shape_mismatch_names_layer_and_both_shapes(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    _mlp(3).save_weights(path)
    other = _mlp(5)
    with pytest.raises(ValueError, match=r"dense.*\(2, 5\).*\(2, 3\)"):
        other.load_weights(path)


def test_skip_mismatch_loads_matching_layers_only(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    src = _mlp(3)
    src.layers[2].kernel.assign(np.full((3, 1), 2.0, "float32"))
    src.save_weights(path)
    dst = _mlp(5)
    before = dst.layers[0].kernel.numpy().copy()
    with pytest.warns(UserWarning, match="Skipping"):
        dst.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(dst.layers[0].kernel.numpy(), before)
    # dense_1 has shape (5, 1) vs (3, 1): skipped too; the BN layer (3 vs 5) skipped
    assert dst.layers[2].kernel.shape == (5, 1)


def test_mismatch_leaves_model_unchanged(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    src = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    src.save_weights(path)
    dst = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(4)])
    before = dst.layers[0].kernel.numpy().copy()
    with pytest.raises(ValueError, match="dense_1"):
        dst.load_weights(path)
    np.testing.assert_array_equal(dst.layers[0].kernel.numpy(), before)


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / "m.weights.h5")
    m = _mlp()
    m.save_weights(path)
    original = open(path, "rb").read()

    def broken(h5file, model, optimizer=None):
        h5file.create_dataset("half", data=np.zeros(3))
        raise RuntimeError("killed mid-save")
    monkeypatch.setattr(h5_weights, "write_store", broken)
    with pytest.raises(RuntimeError, match="killed"):
        m.save_weights(path)
    assert open(path, "rb").read() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.weights.h5"]


def test_truncated_weights_file_gives_clear_error(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    _mlp().save_weights(path)
    data = open(path, "rb").read()
    open(path, "wb").write(data[:100])
    with pytest.raises(ValueError, match="not a valid HDF5"):
        _mlp().load_weights(path)


def test_subclassed_model_round_trip(tmp_path):
    class Two(keras.Model):
        def __init__(self):
            super().__init__()
            self.a = keras.layers.Dense(3)
            self.b = keras.layers.Dense(1)

        def call(self, x):
            return self.b(self.a(x))
    m1, m2 = Two(), Two()
    m1(_x()), m2(_x())
    path = str(tmp_path / "s.weights.h5")
    m1.save_weights(path)
    with h5py.File(path, "r") as f:
        assert "a/vars/0" in f and "b/vars/1" in f
    m2.load_weights(path)
    np.testing.assert_allclose(m1(_x()).numpy(), m2(_x()).numpy())
