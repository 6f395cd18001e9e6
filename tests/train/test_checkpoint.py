"""tf.train.Checkpoint / CheckpointManager: custom-loop state survives a restore."""
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.train import Checkpoint, CheckpointManager, latest_checkpoint

X = (np.arange(12, dtype="float32").reshape(4, 3) % 5) / 4.0
Y = X.sum(axis=1, keepdims=True).astype("float32")


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])


def _step(model, opt):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(X) - Y))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss.numpy())


def test_restore_resumes_custom_loop_identically(tmp_path):
    model, opt = _model(), keras.optimizers.Adam(0.05)
    for _ in range(3):
        _step(model, opt)
    ckpt = Checkpoint(model=model, optimizer=opt, step=tf.Variable(3))
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path.endswith("ckpt-1") and os.path.exists(path + ".npz")
    expected = [_step(model, opt) for _ in range(2)]

    model2, opt2 = _model(), keras.optimizers.Adam(0.05)
    step2 = tf.Variable(0)
    status = Checkpoint(model=model2, optimizer=opt2, step=step2).restore(path)
    status.assert_consumed()
    assert int(step2.numpy()) == 3 and int(opt2.iterations.numpy()) == 3
    got = [_step(model2, opt2) for _ in range(2)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_npz_keys_are_object_paths(tmp_path):
    model = _model()
    path = Checkpoint(model=model).write(str(tmp_path / "w"))
    with np.load(path + ".npz") as data:
        np.testing.assert_array_equal(data["model/layers/dense/vars/0"],
                                      model.layers[0].kernel.numpy())
        assert "model/layers/dense_1/vars/1" in data.files


def test_manager_keeps_newest_and_tracks_latest(tmp_path):
    v = tf.Variable(0.0)
    manager = CheckpointManager(Checkpoint(v=v), str(tmp_path), max_to_keep=2)
    for i in range(4):
        v.assign(float(i))
        manager.save()
    names = sorted(p for p in os.listdir(tmp_path) if p.endswith(".npz"))
    assert names == ["ckpt-3.npz", "ckpt-4.npz"]
    assert manager.latest_checkpoint == str(tmp_path / "ckpt-4")
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-4")
    w = tf.Variable(9.0)
    again = CheckpointManager(Checkpoint(v=w), str(tmp_path), max_to_keep=2)
    assert again.checkpoints == manager.checkpoints
    assert again.restore_or_initialize() == str(tmp_path / "ckpt-4")
    assert float(w.numpy()) == 3.0


def test_errors_and_partial_status(tmp_path):
    with pytest.raises(ValueError, match="Could not find"):
        Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "none"))
    path = Checkpoint(a=tf.Variable([1.0, 2.0])).write(str(tmp_path / "p"))
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(3,\)"):
        Checkpoint(a=tf.Variable([1.0, 2.0, 3.0])).restore(path)
    status = Checkpoint(b=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="Unresolved"):
        status.assert_consumed()
    open(path + ".npz", "wb").write(b"garbage")
    with pytest.raises(ValueError, match="corrupt"):
        Checkpoint(a=tf.Variable([1.0, 2.0])).restore(path)
    with pytest.raises(ValueError, match="max_to_keep"):
        CheckpointManager(Checkpoint(), str(tmp_path), max_to_keep=0)
    with pytest.raises(ValueError, match="trackable"):
        Checkpoint(x=3)
