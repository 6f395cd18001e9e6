import contextlib
import os

import jax.monitoring
import numpy as np
import pytest

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def tf_peer():
    """Runs a script under a real TensorFlow interpreter (tests/tf_peer.py: TAPEFLOW_TF_PYTHON,
    default the peer venv) and returns its JSON output (the last stdout line); skips when absent."""
    from tf_peer import run_script, tf_python
    if tf_python() is None:
        pytest.skip("no TensorFlow interpreter (set TAPEFLOW_TF_PYTHON)")
    return run_script


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
