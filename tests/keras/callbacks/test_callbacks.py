"""Callback order and logs, and each built-in callback's behaviour."""
import csv
import os

import numpy as np
import pytest

from tapeflow import keras

C = keras.callbacks
rng = np.random.default_rng(0)
X = rng.normal(size=(32, 4)).astype("float32")
Y = (X @ rng.normal(size=(4, 1))).astype("float32")


def model(lr=0.05, optimizer=None):
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    m.compile(optimizer=optimizer or keras.optimizers.SGD(lr), loss="mse", run_eagerly=True)
    return m


HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end"]


def _recording(name):
    def hook(self, *args, logs=None):
        self.calls.append(name)
        if name == "on_train_batch_end":
            self.last_batch_logs = logs
    return hook


class Recorder(C.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []


for _name in HOOKS:
    setattr(Recorder, _name, _recording(_name))


def test_hook_order_logs_and_params():
    rec = Recorder()
    m = model()
    m.fit(X, Y, batch_size=16, epochs=2, validation_data=(X, Y), callbacks=[rec], verbose=0)
    c = rec.calls
    assert c[0] == "on_train_begin" and c[-1] == "on_train_end"
    first_epoch = c[1:c.index("on_epoch_end") + 1]
    assert first_epoch == ["on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
                           "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
                           "on_test_batch_begin", "on_test_batch_end", "on_test_batch_begin",
                           "on_test_batch_end", "on_test_end", "on_epoch_end"]
    assert rec.params["epochs"] == 2 and rec.params["steps"] == 2 and rec.model is m
    assert isinstance(rec.last_batch_logs["loss"], float)
    rec.calls.clear()
    m.evaluate(X, Y, callbacks=[rec], verbose=0)
    assert rec.calls[0] == "on_test_begin" and rec.calls[-1] == "on_test_end"
    rec.calls.clear()
    m.predict(X, callbacks=[rec], verbose=0)
    assert rec.calls[0] == "on_predict_begin" and rec.calls[-1] == "on_predict_end"


def test_on_batch_aliases_and_lambda_callback():
    seen = []

    class Alias(C.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(("alias", batch))
    lam = C.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("epoch", epoch)),
                           on_train_begin=lambda logs: seen.append(("begin", None)))
    model().fit(X, Y, batch_size=16, epochs=1, callbacks=[Alias(), lam], verbose=0)
    assert seen == [("begin", None), ("alias", 0), ("alias", 1), ("epoch", 0)]


def test_early_stopping_patience_and_restore():
    m = model(lr=0.0)  # loss never improves
    es = C.EarlyStopping(monitor="loss", patience=2)
    h = m.fit(X, Y, epochs=10, callbacks=[es], verbose=0, shuffle=False)
    assert len(h.epoch) == 3 and es.stopped_epoch == 2
    m = model(lr=0.0)
    es = C.EarlyStopping(monitor="val_loss", patience=1, baseline=-1.0)  # never reached
    h = m.fit(X, Y, epochs=10, validation_data=(X, Y), callbacks=[es], verbose=0,
              shuffle=False)
    assert len(h.epoch) == 2
    # restore_best_weights: training diverges (huge lr), best weights are epoch 0's
    m = model(lr=3.0)
    snapshots = []
    keep = C.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(m.get_weights()))
    es = C.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    h = m.fit(X, Y * 100, epochs=10, batch_size=32, callbacks=[keep, es], verbose=0)
    best = int(np.argmin(h.history["loss"]))
    assert len(h.epoch) == best + 2
    np.testing.assert_allclose(m.get_weights()[0], snapshots[best][0])


def test_lr_scheduler_and_reduce_on_plateau():
    m = model()
    sched = C.LearningRateScheduler(lambda epoch, lr: 0.1 * (epoch + 1))
    h = m.fit(X, Y, epochs=3, callbacks=[sched], verbose=0)
    assert h.history["lr"] == pytest.approx([0.1, 0.2, 0.3])
    m = model(lr=0.4)
    target = m.predict(X, verbose=0)  # zero loss and zero gradients: no improvement ever
    rlr = C.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    h = m.fit(X, target, epochs=4, callbacks=[rlr], verbose=0, shuffle=False)
    assert h.history["lr"] == pytest.approx([0.4, 0.4, 0.2, 0.1])
    assert float(m.optimizer.learning_rate) == pytest.approx(0.05)


def test_terminate_on_nan(capsys):
    m = model(lr=1e30)
    h = m.fit(X, Y * 1e20, epochs=5, batch_size=8, callbacks=[C.TerminateOnNaN()], verbose=0)
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert len(h.epoch) == 1


def test_csv_logger_append(tmp_path):
    path = tmp_path / "log.csv"
    m = model()
    m.fit(X, Y, epochs=2, callbacks=[C.CSVLogger(path)], verbose=0)
    m.fit(X, Y, epochs=1, callbacks=[C.CSVLogger(path, append=True)], verbose=0)
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "loss"] and [r[0] for r in rows[1:]] == ["0", "1", "0"]
    assert float(rows[1][1]) > float(rows[2][1])


class SavingModel(keras.Sequential):
    """save_weights via NumPy (the project's weights format comes from the saving issue)."""

    def save_weights(self, path, overwrite=True, **kw):
        np.savez(path, *self.get_weights())


def test_model_checkpoint_templates_and_best_only(tmp_path):
    m = SavingModel([keras.Input((4,)), keras.layers.Dense(1)])
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", run_eagerly=True)
    pattern = str(tmp_path / "w-{epoch:02d}-{loss:.2f}.npz")
    h = m.fit(X, Y, epochs=2, verbose=0,
              callbacks=[C.ModelCheckpoint(pattern, monitor="loss", save_best_only=True,
                                           save_weights_only=True)])
    names = sorted(os.listdir(tmp_path))
    expect = [f"w-{i + 1:02d}-{h.history['loss'][i]:.2f}.npz" for i in range(2)]
    assert names == sorted(expect)
    np.testing.assert_allclose(np.load(tmp_path / expect[-1])["arr_0"], m.get_weights()[0])


def test_backup_and_restore_resumes(tmp_path):
    class Interrupt(C.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("interrupted")

    backup = str(tmp_path / "backup")
    m = model(optimizer=keras.optimizers.Adam(0.05))
    with pytest.raises(RuntimeError):
        m.fit(X, Y, epochs=4, callbacks=[C.BackupAndRestore(backup), Interrupt()], verbose=0)
    saved = [w.copy() for w in m.get_weights()]  # after epochs 0 and 1
    m2 = model(optimizer=keras.optimizers.Adam(0.05))
    at_start = []
    peek = C.LambdaCallback(on_epoch_begin=lambda e, logs: at_start.append(m2.get_weights()))
    h = m2.fit(X, Y, epochs=4, callbacks=[C.BackupAndRestore(backup), peek], verbose=0)
    assert h.epoch == [2, 3]  # epochs 0 and 1 completed before the interruption
    np.testing.assert_allclose(at_start[0][0], saved[0])
    assert int(m2.optimizer.iterations) == 4  # one step per epoch, counter restored
    assert not os.path.exists(backup)
