import json
import os
import subprocess

import numpy as np
import pytest

from tapeflow import keras

TF_PYTHON = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")
CASES = [dict(sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=3),
         dict(sequence_length=3, start_index=5, end_index=17, batch_size=4),
         dict(sequence_length=5, sampling_rate=3, start_index=2, batch_size=None)]


def _ours(case, targets):
    data = np.arange(40).reshape(20, 2)
    ds = keras.preprocessing.timeseries_dataset_from_array(
        data, np.arange(20) * 10 if targets else None, **case)
    out = []
    for b in ds:
        b = b if targets else (b,)
        out.append([np.asarray(t).tolist() for t in b])
    return out


def test_matches_tensorflow_on_every_argument():
    if not os.path.exists(TF_PYTHON):
        pytest.skip("TensorFlow peer interpreter not installed")
    code = f"""
import json, numpy as np, tensorflow as tf
res = []
for case in {CASES!r}:
    for targets in (False, True):
        ds = tf.keras.utils.timeseries_dataset_from_array(
            np.arange(40).reshape(20, 2), np.arange(20) * 10 if targets else None, **case)
        out = []
        for b in ds:
            b = b if targets else (b,)
            out.append([t.numpy().tolist() for t in b])
        res.append(out)
print(json.dumps(res))
"""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    run = subprocess.run([TF_PYTHON, "-c", code], capture_output=True, text=True, env=env,
                         timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    ref = json.loads(run.stdout.strip().splitlines()[-1])
    ours = [_ours(case, t) for case in CASES for t in (False, True)]
    assert ours == ref


def test_hand_computed_windows_and_utils_alias():
    assert keras.preprocessing.timeseries_dataset_from_array is \
        keras.utils.timeseries_dataset_from_array
    got = _ours(dict(sequence_length=2, sequence_stride=5, batch_size=10), True)
    x, y = got[0]
    assert np.asarray(x)[:, :, 0].tolist() == [[0, 2], [10, 12], [20, 22], [30, 32]]
    assert y == [0, 50, 100, 150]
