"""tf.train.Checkpoint / CheckpointManager in TF's format: state survives a restore."""
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
    _step(model, opt)
    ckpt = Checkpoint(model=model, optimizer=opt, step=tf.Variable(3))
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path.endswith("ckpt-1")
    assert os.path.exists(path + ".index") and os.path.exists(path + ".data-00000-of-00001")
    expected = _step(model, opt)

    model2, opt2 = _model(), keras.optimizers.Adam(0.05)
    step2 = tf.Variable(0)
    status = Checkpoint(model=model2, optimizer=opt2, step=step2).restore(path)
    assert int(step2.numpy()) == 3 and int(opt2.iterations.numpy()) == 1
    got = _step(model2, opt2)  # Adam's slots are restored when it builds them
    for a, b in zip(opt2.variables, opt.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    status.assert_consumed()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_keys_are_tf2_object_paths(tmp_path):
    model, opt = _model(), keras.optimizers.Adam()
    _step(model, opt)
    path = Checkpoint(model=model, optimizer=opt, lst=[tf.Variable(1.0)],
                      d={"a": tf.Variable(2)}).write(str(tmp_path / "w"))
    names = dict(tf.train.list_variables(path))
    assert names["model/layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"] == [1]
    assert names["optimizer/_variables/1/.ATTRIBUTES/VARIABLE_VALUE"] == [3, 2]
    assert "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert names["lst/0/.ATTRIBUTES/VARIABLE_VALUE"] == []
    reader = tf.train.load_checkpoint(path)
    np.testing.assert_array_equal(
        reader.get_tensor("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"),
        model.layers[0].kernel.numpy())
    assert reader.get_variable_to_dtype_map()["d/a/.ATTRIBUTES/VARIABLE_VALUE"] == tf.int32
    assert reader.get_variable_to_shape_map()["_CHECKPOINTABLE_OBJECT_GRAPH"] == []


def test_deferred_restoration_of_unbuilt_model(tmp_path):
    model = _model()
    path = Checkpoint(model=model).write(str(tmp_path / "c"))
    lazy = keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(1)])
    status = Checkpoint(model=lazy).restore(path)
    lazy(X)  # builds: the variables get the saved values as they are created
    np.testing.assert_array_equal(lazy(X).numpy(), model(X).numpy())
    status.assert_existing_objects_matched()


def test_lists_dicts_restore_none_and_generator(tmp_path):
    a, b = [tf.Variable(1.0)], {"k": tf.Variable([1, 2])}
    g = tf.random.Generator.from_seed(3)
    path = Checkpoint(a=a, b=b, g=g).write(str(tmp_path / "c"))
    expected = g.normal([3]).numpy()
    a2, b2, g2 = [tf.Variable(0.0)], {"k": tf.Variable([0, 0])}, tf.random.Generator.from_seed(9)
    ckpt = Checkpoint(a=a2, b=b2, g=g2)
    assert ckpt.restore(None).expect_partial() is not None
    assert float(a2[0].numpy()) == 0.0
    ckpt.restore(path).assert_consumed()
    assert float(a2[0].numpy()) == 1.0 and b2["k"].numpy().tolist() == [1, 2]
    np.testing.assert_array_equal(g2.normal([3]).numpy(), expected)


def test_manager_keeps_newest_and_tracks_latest(tmp_path):
    v = tf.Variable(0.0)
    manager = CheckpointManager(Checkpoint(v=v), str(tmp_path), max_to_keep=2)
    for i in range(4):
        v.assign(float(i))
        manager.save()
    names = sorted(p for p in os.listdir(tmp_path) if p.endswith(".index"))
    assert names == ["ckpt-3.index", "ckpt-4.index"]
    assert not any(p.startswith("ckpt-1") for p in os.listdir(tmp_path))
    assert manager.latest_checkpoint == str(tmp_path / "ckpt-4")
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-4")
    state = open(tmp_path / "checkpoint").read()
    assert 'model_checkpoint_path: "ckpt-4"' in state
    assert state.count("all_model_checkpoint_paths") == 2
    w = tf.Variable(9.0)
    again = CheckpointManager(Checkpoint(v=w), str(tmp_path), max_to_keep=2)
    assert again.checkpoints == manager.checkpoints
    assert again.restore_or_initialize() == str(tmp_path / "ckpt-4")
    assert float(w.numpy()) == 3.0
    it = tf.train.checkpoints_iterator(str(tmp_path), timeout=0)
    assert list(it) == [str(tmp_path / "ckpt-4")]


def test_errors_leave_variables_untouched(tmp_path):
    with pytest.raises(ValueError, match="Could not find"):
        Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "none"))
    path = Checkpoint(a=tf.Variable([1.0, 2.0]), b=tf.Variable(5.0)).write(str(tmp_path / "p"))
    a, b = tf.Variable([0.0, 0.0, 0.0]), tf.Variable(0.0)
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\).*'a'"):
        Checkpoint(a=a, b=b).restore(path)
    assert float(b.numpy()) == 0.0  # nothing half-restored
    with pytest.raises(ValueError, match=r"dtype float32.*int32.*'b'"):
        Checkpoint(b=tf.Variable(1)).restore(path)
    status = Checkpoint(c=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="Unresolved"):
        status.assert_consumed()
    with pytest.raises(ValueError, match="max_to_keep"):
        CheckpointManager(Checkpoint(), str(tmp_path), max_to_keep=0)
    with pytest.raises(ValueError, match="trackable"):
        Checkpoint(x=3)


def test_corrupt_or_truncated_files_are_named(tmp_path):
    path = Checkpoint(a=tf.Variable(np.arange(100, dtype="float32"))).write(str(tmp_path / "p"))
    data = path + ".data-00000-of-00001"
    raw = open(data, "rb").read()
    open(data, "wb").write(raw[:-10])
    with pytest.raises(ValueError, match="data-00000-of-00001.*truncated"):
        Checkpoint(a=tf.Variable(np.zeros(100, "float32"))).restore(path)
    open(data, "wb").write(raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:])  # inside `a`
    with pytest.raises(ValueError, match="data-00000-of-00001.*corrupt.*checksum"):
        tf.train.load_checkpoint(path).get_tensor("a/.ATTRIBUTES/VARIABLE_VALUE")
    index = open(path + ".index", "rb").read()
    open(path + ".index", "wb").write(index[:-20])
    with pytest.raises(ValueError, match=r"\.index.*(truncated|corrupt)"):
        tf.train.load_checkpoint(path)
    open(path + ".index", "wb").write(index[:10] + bytes([index[10] ^ 4]) + index[11:])
    with pytest.raises(ValueError, match=r"\.index.*corrupt"):
        tf.train.load_checkpoint(path)


def test_dataset_iterator_resumes_at_saved_position(tmp_path):
    ds = tf.data.Dataset.range(10).shuffle(10).map(lambda x: x * 2).batch(3)
    it = iter(ds)
    next(it)
    ckpt = Checkpoint(it=it)
    path = ckpt.write(str(tmp_path / "it"))
    rest = [b.numpy().tolist() for b in it]
    it2 = iter(ds)  # would draw the next epoch's order
    Checkpoint(it=it2).restore(path).assert_consumed()
    assert [b.numpy().tolist() for b in it2] == rest and len(rest) == 3
    # a pipeline built anew (as in a new process: another unseeded shuffle seed)
    again = iter(tf.data.Dataset.range(10).shuffle(10).map(lambda x: x * 2).batch(3))
    Checkpoint(it=again).restore(path)
    assert [b.numpy().tolist() for b in again] == rest
    assert sorted(sum(rest, [])) != list(range(0, 20, 2))  # some elements were consumed


KILLED_WRITER = r"""
import sys
import numpy as np
import tapeflow as tf
v = tf.Variable(np.full((1_000_000,), 2.0, dtype="float32"))
manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), sys.argv[1], max_to_keep=1)
print("ready", flush=True)
while True:
    manager.save()
"""


def test_killed_save_leaves_previous_checkpoint_intact(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    v = tf.Variable(np.ones(1_000_000, dtype="float32"))
    first = CheckpointManager(Checkpoint(v=v), str(tmp_path), max_to_keep=1).save()
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.time() + 60
        while not any(n.startswith(".tmp-") for n in os.listdir(tmp_path)):
            assert time.time() < deadline, "the writer never started writing"
        proc.send_signal(signal.SIGKILL)  # mid-write: a temporary file exists
    finally:
        proc.kill()
        proc.wait()
    latest = latest_checkpoint(str(tmp_path))
    w = tf.Variable(np.zeros(1_000_000, dtype="float32"))
    Checkpoint(v=w).restore(latest).assert_consumed()  # complete and readable
    assert float(w.numpy()[0]) in (1.0, 2.0)
    assert latest == first or float(w.numpy()[0]) == 2.0
