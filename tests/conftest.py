import contextlib
import os

import jax.monitoring
import numpy as np
import pytest

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def _tf_python():
    path = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")
    return path if path and os.path.exists(path) else None


@pytest.fixture(scope="session")
def tf_peer():
    """Runs a script under a real TensorFlow interpreter (TAPEFLOW_TF_PYTHON, default the
    peer venv) and returns its JSON output (the last stdout line); skips when absent."""
    import json
    import subprocess
    import sys
    python = _tf_python()
    if python is None:
        pytest.skip("no TensorFlow interpreter (set TAPEFLOW_TF_PYTHON)")

    def run(script, *args, timeout=240):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        env.pop("PYTHONPATH", None)
        env.pop("KERAS_BACKEND", None)
        proc = subprocess.run([python, "-c", script, *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, env=env)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            raise AssertionError(f"the TensorFlow script failed:\n{proc.stderr[-2000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])
    return run


_COMPILES = [0]


def _count_compiles(name, secs, **kwargs):
    if name.endswith("backend_compile_duration"):
        _COMPILES[0] += 1


@pytest.fixture()
def compiles():
    """`with compiles() as n:` ... `n[0]` is the number of XLA programs compiled inside."""
    jax.monitoring.register_event_duration_secs_listener(_count_compiles)

    @contextlib.contextmanager
    def counting():
        start, box = _COMPILES[0], [0]
        yield box
        box[0] = _COMPILES[0] - start
    yield counting
    jax.monitoring.unregister_event_duration_listener(_count_compiles)
