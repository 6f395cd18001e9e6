"""keras.callbacks.TensorBoard: what TensorBoard's own event reader finds in the logs."""
import glob
import json
import os
import sys

import numpy as np
import pytest

from tapeflow import keras

event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator")
from tensorboard.util import tensor_util  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 5)).astype("float32")
Y = rng.integers(0, 3, 40)


def classifier(optimizer="rmsprop"):
    """Spec 003 §7.3's compile: rmsprop, sparse_categorical_crossentropy, accuracy."""
    inputs = keras.Input((5,))
    h = keras.layers.Dense(4, activation="relu")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def read(run_dir):
    """{tag: [(step, value as ndarray), ...]} from every event file in `run_dir`."""
    acc = event_accumulator.EventAccumulator(run_dir, size_guidance={"tensors": 0})
    acc.Reload()
    return {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto))
                  for e in acc.Tensors(tag)] for tag in acc.Tags()["tensors"]}


def scalars(events, tag):
    return [(step, float(v)) for step, v in events[tag]]


def test_spec_fit_writes_epoch_and_validation_scalars(tmp_path):
    model = classifier()
    log_dir = str(tmp_path / "logs" / "tensorboard")
    tb = keras.callbacks.TensorBoard(log_dir=log_dir)
    hist = model.fit(X[:32], Y[:32], epochs=3, batch_size=8, verbose=0,
                     validation_data=(X[32:], Y[32:]), callbacks=[tb])
    assert sorted(os.listdir(log_dir)) == ["train", "validation"]
    train, val = read(os.path.join(log_dir, "train")), read(os.path.join(log_dir, "validation"))
    for name in ("loss", "accuracy"):
        got = scalars(train, "epoch_" + name)
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], hist.history[name], rtol=1e-6)
        got = scalars(val, "epoch_" + name)
        np.testing.assert_allclose([v for _, v in got], hist.history["val_" + name], rtol=1e-6)
        # evaluated after each epoch's 4 steps: steps 4, 8, 12
        got = scalars(val, f"evaluation_{name}_vs_iterations")
        assert [s for s, _ in got] == [4, 8, 12]
        np.testing.assert_allclose([v for _, v in got], hist.history["val_" + name],
                                   rtol=1e-6)
    graph = train["keras"][0][1].ravel()[0]  # the conceptual graph: the model's JSON config
    assert json.loads(graph) == json.loads(model.to_json())
    assert not any(k.startswith("batch_") for k in train)  # update_freq="epoch"


def test_batch_scalars_histograms_and_images(tmp_path):
    model = classifier(keras.optimizers.SGD(0.1))
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=2, update_freq=3,
                                     write_images=True, write_steps_per_second=True)
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(float(logs["loss"])))
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0, shuffle=False, callbacks=[tb, record])
    train = read(str(tmp_path / "train"))
    got = scalars(train, "batch_loss")  # 5 steps an epoch, every 3rd of 15
    assert [s for s, _ in got] == [3, 6, 9, 12, 15]
    np.testing.assert_allclose([v for _, v in got], [seen[s - 1] for s, _ in got], rtol=1e-6)
    assert [s for s, _ in scalars(train, "epoch_steps_per_second")] == [0, 1, 2]
    assert all(v > 0 for _, v in scalars(train, "epoch_steps_per_second"))
    kernel_var = model.layers[1].kernel
    kernel, tag = kernel_var.numpy(), kernel_var.name.replace(":", "_")  # "dense/kernel_0"
    hists = train[tag + "/histogram"]  # epochs 0 and 2
    assert [s for s, _ in hists] == [0, 2]
    buckets = hists[-1][1]  # rows of (left edge, right edge, count)
    assert buckets[:, 2].sum() == kernel.size
    assert buckets[0, 0] == pytest.approx(kernel.min()) and \
        buckets[-1, 1] == pytest.approx(kernel.max())
    image = train[tag + "/image"][-1][1]  # [width, height, png...]
    assert image[:2].tolist() == [b"5", b"4"]  # the 5x4 kernel, wider side across
    assert image[2].startswith(b"\x89PNG")


def test_learning_rate_schedule_and_profile(tmp_path):
    sched = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5)
    model = classifier(keras.optimizers.SGD(sched))
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), profile_batch=(2, 3))
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[tb])
    got = scalars(read(str(tmp_path / "train")), "epoch_learning_rate")
    np.testing.assert_allclose([v for _, v in got], [0.1 * 0.5 ** 1, 0.1 * 0.5 ** 2],
                               rtol=1e-6)  # after 5 and 10 steps
    assert glob.glob(str(tmp_path / "train" / "plugins" / "profile" / "*" / "*.xplane.pb"))


def test_bad_arguments_and_missing_package(monkeypatch):
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(update_freq=0)
    with pytest.raises(ValueError, match="profile_batch"):
        keras.callbacks.TensorBoard(profile_batch=(3, 1))
    with pytest.raises(NotImplementedError, match="embeddings_freq=1"):
        keras.callbacks.TensorBoard(embeddings_freq=1)
    for name in [m for m in sys.modules if m == "tensorboard" or m.startswith("tensorboard.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        keras.callbacks.TensorBoard()
