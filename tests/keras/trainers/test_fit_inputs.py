"""compile / fit / evaluate / predict on every input kind, and bad-input errors.

Most tests run eagerly (run_eagerly=True) to stay fast; tests/keras/trainers/
test_compiled.py checks the compiled path against the eager one.
"""
import io
import contextlib

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

rng = np.random.default_rng(0)
X = rng.normal(size=(48, 5)).astype("float32")
W = rng.normal(size=(5, 1)).astype("float32")
Y = X @ W


def linear(seed_w=None, **compile_kw):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    model.set_weights([np.zeros((5, 1), "float32"), np.zeros((1,), "float32")])
    kw = dict(optimizer=keras.optimizers.SGD(0.1), loss="mse", run_eagerly=True)
    kw.update(compile_kw)
    model.compile(**kw)
    return model


def ref_sgd_epoch(w, b, x, y, bs, lr=0.1):
    """NumPy full-batch-by-minibatch SGD on MSE (the reference for fit's updates)."""
    for i in range(0, len(x), bs):
        xb, yb = x[i:i + bs], y[i:i + bs]
        err = xb @ w + b - yb
        gw = 2 * xb.T @ err / err.size
        gb = 2 * err.sum(0) / err.size
        w, b = w - lr * gw, b - lr * gb
    return w, b


def test_fit_numpy_matches_numpy_sgd_and_history():
    model = linear()
    hist = model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    w, b = np.zeros((5, 1)), np.zeros(1)
    for _ in range(2):
        w, b = ref_sgd_epoch(w, b, X, Y, 16)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-4, atol=1e-6)
    assert list(hist.history) == ["loss"] and len(hist.history["loss"]) == 2
    assert hist.epoch == [0, 1] and model.history is hist


def test_fit_tensors_lists_dataset_generator():
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(16)
    for data in ({"x": tf.constant(X), "y": tf.constant(Y)}, {"x": ds}):
        model = linear()
        model.fit(**data, batch_size=16, epochs=1, shuffle=False, verbose=0)
        w, _ = ref_sgd_epoch(np.zeros((5, 1)), np.zeros(1), X, Y, 16)
        np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-4, atol=1e-6)

    def gen():
        for i in range(0, 48, 16):
            yield X[i:i + 16], Y[i:i + 16]
    model = linear()
    model.fit(gen(), epochs=1, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-4, atol=1e-6)
    model = linear()
    model.fit(gen(), steps_per_epoch=2, epochs=1, verbose=0)
    w2, _ = ref_sgd_epoch(np.zeros((5, 1)), np.zeros(1), X[:32], Y[:32], 16)
    np.testing.assert_allclose(model.get_weights()[0], w2, rtol=1e-4, atol=1e-6)


def test_multi_input_output_lists_and_dicts():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Concatenate()([a, b])
    reg = keras.layers.Dense(1, name="reg")(h)
    cls = keras.layers.Dense(3, activation="softmax", name="cls")(h)
    model = keras.Model([a, b], [reg, cls])
    xa, xb = X[:, :3], X[:, 3:]
    yr = Y
    yc = np.eye(3)[rng.integers(0, 3, 48)].astype("float32")
    model.compile(optimizer="rmsprop", loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]], run_eagerly=True)
    h1 = model.fit([xa, xb], [yr, yc], epochs=1, verbose=0)
    assert set(h1.history) == {"loss", "reg_loss", "cls_loss", "reg_mean_absolute_error",
                               "cls_accuracy"}
    res = model.evaluate([xa, xb], [yr, yc], verbose=0, return_dict=True)
    assert res["loss"] == pytest.approx(res["reg_loss"] + res["cls_loss"], rel=1e-5)
    pr, pc = model.predict([xa, xb], verbose=0)
    assert pr.shape == (48, 1) and pc.shape == (48, 3) and isinstance(pc, np.ndarray)
    mae = np.abs(pr - yr).mean()
    assert res["reg_mean_absolute_error"] == pytest.approx(mae, rel=1e-4)
    model.compile(optimizer="rmsprop",
                  loss={"reg": "mean_squared_error", "cls": "categorical_crossentropy"},
                  metrics={"reg": ["mean_absolute_error"], "cls": ["accuracy"]},
                  run_eagerly=True)
    model.fit({"a": xa, "b": xb}, {"reg": yr, "cls": yc}, epochs=1, verbose=0)
    out = model.evaluate({"a": xa, "b": xb}, {"reg": yr, "cls": yc}, verbose=0)
    assert len(out) == 5


def test_evaluate_predict_single_output_and_sample_weights():
    model = linear(metrics=["mae"])
    loss, mae = model.evaluate(X, Y, batch_size=48, verbose=0)
    assert loss == pytest.approx((Y ** 2).mean(), rel=1e-5)
    assert mae == pytest.approx(np.abs(Y).mean(), rel=1e-5)
    sw = rng.uniform(size=48).astype("float32")
    loss = model.evaluate(X, Y, sample_weight=sw, batch_size=48, verbose=0, return_dict=True)
    assert loss["loss"] == pytest.approx(((Y[:, 0] ** 2) * sw).mean(), rel=1e-5)
    assert model.predict(X, batch_size=7, verbose=0).shape == (48, 1)
    assert model.predict_on_batch(X[:3]).shape == (3, 1)
    assert model.test_on_batch(X, Y) == pytest.approx([(Y ** 2).mean(), np.abs(Y).mean()],
                                                      rel=1e-5)


def test_validation_split_data_freq_and_class_weight():
    model = linear()
    h = model.fit(X, Y, validation_split=0.25, epochs=2, batch_size=12, verbose=0,
                  shuffle=False)
    assert set(h.history) == {"loss", "val_loss"}
    model = linear()
    h = model.fit(X, Y, validation_data=(X[:8], Y[:8]), validation_freq=2, epochs=2,
                  verbose=0)
    assert len(h.history["val_loss"]) == 1
    yc = rng.integers(0, 2, 48)
    clf = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    clf.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True),
                run_eagerly=True)
    w0 = clf.get_weights()
    r1 = clf.train_on_batch(X, yc, class_weight={0: 0.0, 1: 1.0})
    logits = X @ w0[0] + w0[1]
    ls = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    per = -ls[np.arange(48), yc]
    assert r1 == pytest.approx((per * (yc == 1)).mean(), rel=1e-4)


def test_initial_epoch_steps_and_progbar_output():
    model = linear()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        h = model.fit(X, Y, batch_size=16, epochs=3, initial_epoch=1, verbose=1)
    out = buf.getvalue()
    assert h.epoch == [1, 2]
    assert "Epoch 2/3" in out and "Epoch 3/3" in out and "Epoch 1/3" not in out
    lines = [ln for ln in out.splitlines() if ln.startswith("3/3")]
    assert len(lines) == 2
    assert lines[0].startswith("3/3 [==============================] - ")
    assert "/step - loss: " in lines[0]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        model.fit(X, Y, batch_size=16, epochs=1, verbose=2)
    line = buf.getvalue().strip()
    assert line.startswith("3/3 - ") and "/epoch - " in line and "- loss: " in line


def test_errors():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    with pytest.raises(RuntimeError, match="must compile your model"):
        model.fit(X, Y)
    model.compile(loss="sparse_categorical_crossentropy", run_eagerly=True)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(X, Y[:40], verbose=0)
    with pytest.raises(ValueError, match="labels.shape"):
        model.fit(X, np.zeros((48, 2)), verbose=0)
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        model.compile(loss="nope")
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        model.compile(optimizer="nope", loss="mse")
    with pytest.raises(ValueError, match="Unknown metric function"):
        model.compile(loss="mse", metrics=["nope"], run_eagerly=True)
        model.fit(X, np.zeros((48, 3)), verbose=0)
    model.compile(optimizer="sgd", run_eagerly=True)
    with pytest.raises(ValueError, match="No loss found"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(TypeError, match="Invalid keyword argument"):
        model.compile(loss="mse", bogus=1)
