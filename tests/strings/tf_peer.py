"""Runs snippets under TensorFlow (peer venv) in ONE helper process shared by the tests.

`tf_eval(code)` executes `code` in that process (with `tf`, `np` and `json` imported);
the snippet must print one JSON document, which is returned. Skips when no TensorFlow
interpreter is available. One process for the whole session keeps TF's start-up cost
(seconds) from being paid per test.
"""
import atexit
import json
import os
import subprocess

import pytest

TF_PYTHON = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")

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
_proc = None


def _server():
    global _proc
    if _proc is None or _proc.poll() is not None:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        _proc = subprocess.Popen([TF_PYTHON, "-u", "-c", _SERVER], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, env=env)
        atexit.register(_proc.kill)
    return _proc


def tf_eval(code):
    if not os.path.exists(TF_PYTHON):
        pytest.skip("TensorFlow peer interpreter not installed")
    proc = _server()
    proc.stdin.write(json.dumps(code) + "\n")
    proc.stdin.flush()
    reply = json.loads(proc.stdout.readline())
    if "error" in reply:
        raise RuntimeError("TensorFlow reference snippet failed: " + reply["error"])
    return json.loads(reply["ok"].strip().splitlines()[-1])
