"""The one TensorFlow reference helper of the tests: TF 2.15 runs in the peer venv.

TensorFlow is never imported into the test process: snippets run under the
interpreter named by TAPEFLOW_TF_PYTHON (default /work/peers/tf/bin/python),
and every helper skips the calling test when that interpreter is absent.

- `run_script(script, *args)`: a fresh process runs `script`; returns the JSON
  document on its last stdout line (the `tf_peer` fixture of tests/conftest.py).
- `tf_eval(code)`: runs `code` in ONE long-lived TF process shared by the session
  (with `tf`, `np`, `json` imported) and returns the JSON document it prints;
  TF's start-up cost (seconds) is paid once.
- `tf_arrays(code, **inputs)`: a fresh process sees `tf`, `np` and the dict `inp`
  of input arrays, fills the dict `out`; returns `out` as NumPy arrays.

tests/ is on sys.path (its conftest.py puts it there), so any test does
`from tf_peer import tf_eval`.
"""
import atexit
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest


def tf_python():
    """The TensorFlow interpreter, or None when it is not installed."""
    path = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")
    return path if path and os.path.exists(path) else None


def _require():
    python = tf_python()
    if python is None:
        pytest.skip("no TensorFlow interpreter (set TAPEFLOW_TF_PYTHON)")
    return python


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("PYTHONPATH", None)
    env.pop("KERAS_BACKEND", None)
    return env


def _run(args, timeout):
    proc = subprocess.run([_require(), *args], capture_output=True, text=True,
                          timeout=timeout, env=_env())
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise AssertionError(f"the TensorFlow script failed:\n{proc.stderr[-2000:]}")
    return proc


def run_script(script, *args, timeout=240):
    """Runs `script` with `args` in a fresh TF process; its last stdout line as JSON."""
    proc = _run(["-c", script, *map(str, args)], timeout)
    return json.loads(proc.stdout.strip().splitlines()[-1])


_PRELUDE = """
import sys
import numpy as np
import tensorflow as tf
inp = dict(np.load(sys.argv[1]))
out = {}
"""


def tf_arrays(code, timeout=180, **inputs):
    """`code` over the NumPy `inputs` (as `inp`) in a fresh TF process; its `out` dict."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.npz"), os.path.join(d, "out.npz")
        np.savez(src, **inputs)
        _run(["-c", _PRELUDE + code + f"\nnp.savez({dst!r}, **out)\n", src], timeout)
        return dict(np.load(dst))


_SERVER = r"""
import contextlib, io, json, sys
import numpy as np
import tensorflow as tf
for line in sys.stdin:
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(json.loads(line), {"tf": tf, "np": np, "json": json})
        out = {"ok": buf.getvalue()}
    except Exception as e:
        out = {"error": repr(e)}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
"""
_server_proc = None


def _server():
    global _server_proc
    if _server_proc is None or _server_proc.poll() is not None:
        _server_proc = subprocess.Popen([_require(), "-u", "-c", _SERVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, env=_env())
        atexit.register(_server_proc.kill)
    return _server_proc


def tf_eval(code):
    """Runs `code` in the shared TF process; the JSON document it printed last."""
    proc = _server()
    proc.stdin.write(json.dumps(code) + "\n")
    proc.stdin.flush()
    reply = json.loads(proc.stdout.readline())
    if "error" in reply:
        raise RuntimeError("TensorFlow reference snippet failed: " + reply["error"])
    return json.loads(reply["ok"].strip().splitlines()[-1])
