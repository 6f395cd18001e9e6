"""BackupAndRestore(save_freq=int) keeps the tf.data position: a fit killed mid-epoch
(SIGKILL) resumes to the same final weights, bit for bit, as an uninterrupted fit."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np

SCRIPT = textwrap.dedent('''
    import os, signal, sys
    import numpy as np
    import tapeflow as tf
    from tapeflow import keras
    backup, kill_at, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    tf.random.set_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5)).astype("float32")
    y = rng.normal(size=(96, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(96).map(
        lambda a, b: (a * 2.0, b)).batch(8)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(
        1, kernel_initializer="ones", bias_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.01, momentum=0.9), "mse")

    class Kill(keras.callbacks.Callback):
        n = 0

        def on_train_batch_end(self, batch, logs=None):
            self.n += 1
            if self.n == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
    model.fit(ds, epochs=3, verbose=0,
              callbacks=[keras.callbacks.BackupAndRestore(backup, save_freq=1), Kill()])
    np.save(out, np.concatenate([w.reshape(-1) for w in model.get_weights()]))
''')


def _run(tmp_path, name, backup, kill_at):
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)
    out = str(tmp_path / f"{name}.npy")
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, str(script), str(backup), str(kill_at), out],
                          env=env, capture_output=True, text=True, timeout=120)
    return proc, out


def test_killed_fit_resumes_to_bit_identical_weights(tmp_path):
    ref, ref_out = _run(tmp_path, "ref", tmp_path / "b_ref", 0)
    assert ref.returncode == 0, ref.stderr
    # killed in epoch 2 (12 batches per epoch), right after the backup of batch 17
    killed, out = _run(tmp_path, "resumed", tmp_path / "b", 17)
    assert killed.returncode == -signal.SIGKILL and not os.path.exists(out)
    assert os.path.exists(tmp_path / "b" / "backup.npz")
    resumed, out = _run(tmp_path, "resumed", tmp_path / "b", 0)
    assert resumed.returncode == 0, resumed.stderr
    np.testing.assert_array_equal(np.load(out), np.load(ref_out))
    assert not os.path.exists(tmp_path / "b")  # deleted after the successful fit
