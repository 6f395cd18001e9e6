"""Checkpoints moving both ways with real TensorFlow (run in its own interpreter).

tapeflow's checkpoints are read by tf.train.load_checkpoint, tf.train.Checkpoint.restore
(assert_consumed) and tf.keras `load_weights`; TensorFlow's are restored by tapeflow.
Skipped when no TensorFlow interpreter is available (see the `tf_peer` fixture).
"""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")
Y = X.sum(axis=1, keepdims=True).astype("float32")

TF_SCRIPT = r"""
import json, sys
import numpy as np
import tensorflow as tf
d = sys.argv[1]
X = ((np.arange(24, dtype="float32").reshape(8, 3) % 7) / 6.0).astype("float32")
def model():
    return tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2),
                                tf.keras.layers.BatchNormalization(), tf.keras.layers.Dense(1)])
out = {}
# 1. read tapeflow's files
reader = tf.train.load_checkpoint(d + "/tp")
out["tp_kernel"] = reader.get_tensor(
    "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE").tolist()
out["tp_latest"] = tf.train.latest_checkpoint(d + "/tp")
m, opt = model(), tf.keras.optimizers.Adam(0.01)
step = tf.Variable(0, dtype=tf.int64)
status = tf.train.Checkpoint(model=m, optimizer=opt, step=step).restore(out["tp_latest"])
opt.build(m.trainable_variables)
status.assert_consumed()
out["tp_pred"] = m(X, training=False).numpy().tolist()
out["tp_slot"] = opt.variables[1].numpy().tolist()
out["tp_iter"] = int(opt.iterations.numpy()); out["tp_step"] = int(step.numpy())
m2 = model()
m2.load_weights(d + "/tp_weights").expect_partial()
out["tp_weights_pred"] = m2(X, training=False).numpy().tolist()
# 2. write TensorFlow's own
tf.keras.utils.set_random_seed(1)
m3, opt3 = model(), tf.keras.optimizers.Adam(0.01)
m3.compile(opt3, "mse")
m3.fit(X, X.sum(axis=1, keepdims=True), epochs=2, batch_size=4, verbose=0)
tf.train.Checkpoint(model=m3, optimizer=opt3).save(d + "/tf/ckpt")
m3.save_weights(d + "/tf_weights")
out["tf_pred"] = m3(X, training=False).numpy().tolist()
out["tf_slots"] = [v.numpy().tolist() for v in opt3.variables[1:3]]
out["tf_iter"] = int(opt3.iterations.numpy())
print(json.dumps(out))
"""


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                             keras.layers.BatchNormalization(), keras.layers.Dense(1)])


@pytest.fixture(scope="module")
def exchange(tf_peer, tmp_path_factory):
    d = tmp_path_factory.mktemp("exchange")
    model, opt = _model(), keras.optimizers.Adam(0.01)
    model.compile(opt, "mse")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt, step=tf.Variable(7, dtype=tf.int64))
    manager = tf.train.CheckpointManager(ckpt, str(d / "tp"), max_to_keep=2)
    manager.save()
    path = manager.save()
    model.save_weights(str(d / "tp_weights"))
    out = tf_peer(TF_SCRIPT, d)
    return d, model, opt, path, out


def test_tensorflow_reads_tapeflow_checkpoints(exchange):
    _, model, opt, path, out = exchange
    assert out["tp_latest"] == path
    np.testing.assert_array_equal(out["tp_kernel"], model.layers[0].kernel.numpy())
    expected = model(X, training=False).numpy()
    np.testing.assert_allclose(out["tp_pred"], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["tp_weights_pred"], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out["tp_slot"], opt.variables[1].numpy())
    assert out["tp_iter"] == int(opt.iterations.numpy()) and out["tp_step"] == 7


def test_tapeflow_restores_tensorflow_checkpoints(exchange):
    d, _, _, _, out = exchange
    model, opt = _model(), keras.optimizers.Adam(0.01)
    status = tf.train.Checkpoint(model=model, optimizer=opt).restore(
        tf.train.latest_checkpoint(str(d / "tf")))
    opt.build(model.trainable_variables)
    status.assert_consumed()
    np.testing.assert_allclose(model(X, training=False).numpy(), out["tf_pred"], rtol=1e-5,
                               atol=1e-6)
    for got, want in zip(opt.variables[1:3], out["tf_slots"]):
        np.testing.assert_array_equal(got.numpy(), want)
    assert int(opt.iterations.numpy()) == out["tf_iter"]
    lazy = keras.Sequential([keras.layers.Dense(2), keras.layers.BatchNormalization(),
                             keras.layers.Dense(1)])
    lazy.load_weights(str(d / "tf_weights")).expect_partial()
    np.testing.assert_allclose(lazy(X, training=False).numpy(), out["tf_pred"], rtol=1e-5,
                               atol=1e-6)
