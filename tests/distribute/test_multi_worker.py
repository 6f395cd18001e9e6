"""MultiWorkerMirroredStrategy: 2 worker processes on localhost (TF_CONFIG -> jax.distributed).

References: the same fit, and the same custom training loop (tf.function over
strategy.run), on one device in this process (same seed, same global batch).
"""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
import multi_worker_checks  # noqa: E402


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Both workers' RESULT dicts (one 2-process run for all checks of this module)."""
    shard_dir = tmp_path_factory.mktemp("shards")
    for f in range(4):  # f<f>.txt holds the lines 10*f + 0..3
        (shard_dir / f"f{f}.txt").write_text("".join(f"{10 * f + j}\n" for j in range(4)))
    workers = [f"localhost:{p}" for p in _free_ports(2)]
    procs = []
    for i in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        env = dict(os.environ, TF_CONFIG=json.dumps(config), JAX_PLATFORMS="cpu",
                   SHARD_DIR=str(shard_dir))
        script = os.path.join(HERE, "multi_worker_checks.py")
        procs.append(subprocess.Popen([sys.executable, script],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=env))
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
        assert lines, err[-4000:]
        results.append(json.loads(lines[-1][7:]))
    return results


def test_two_workers_fit_and_run_like_one_device(results):
    assert sorted(i for r in results for i in r["local_ids"]) == [0.0, 1.0, 2.0, 3.0]
    assert [v for r in results for v in r["short_local"]] == [[0, 1], [2, 3], [4, 5], []]
    ref = multi_worker_checks.train()
    ref_custom = multi_worker_checks.custom_loop()
    for r in results:
        np.testing.assert_allclose(r["custom"]["loss"], ref_custom["loss"], atol=1e-5)
        for w, w_ref in zip(r["custom"]["weights"], ref_custom["weights"]):
            np.testing.assert_allclose(w, w_ref, atol=1e-5)
        for key in ("eager", "eager_from_function"):  # eager strategy.run across processes
            np.testing.assert_allclose(r[key]["loss"], ref_custom["loss"], atol=1e-5)
            for w, w_ref in zip(r[key]["weights"], ref_custom["weights"]):
                np.testing.assert_allclose(w, w_ref, atol=1e-5)
        assert r["replicas"] == 4  # 2 processes x 2 devices
        assert r["all_reduce"] == [6.0, 6.0]  # 0 + 1 + 2 + 3 over both processes
        assert r["all_gather"] == [0.0, 1.0, 2.0, 3.0]
        assert r["reduce_mean"] == 1.5
        assert r["gather"] == list(range(8))  # both processes' rows of the global batch
        assert r["reduce_sum_axis0"] == 28.0 and r["reduce_mean_axis0"] == 3.5
        # a global batch of 6 over 4 replicas: ceil split 2, 2, 2, 0 (as TF), eager only
        assert r["short_sum"] == 15.0 and r["short_sizes"] == [6.0, 6.0]
        assert "split evenly" in r["short_compiled_error"]
        np.testing.assert_allclose(r["loss"], ref["loss"], atol=1e-5)
        for w, w_ref in zip(r["weights"], ref["weights"]):
            np.testing.assert_allclose(w, w_ref, atol=1e-5)


@pytest.mark.parametrize("config, match", [
    ("{not json", "not valid JSON"),
    ('{"cluster": {"ps": ["h:1"]}, "task": {"type": "ps", "index": 0}}', "no 'worker'"),
    ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "evaluator", "index": 0}}',
     "task type"),
    ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "worker", "index": 3}}',
     "out of range"),
])
def test_invalid_tf_config_is_named(config, match):
    with pytest.raises(ValueError, match=match):
        tf.distribute.MultiWorkerMirroredStrategy(
            cluster_resolver=tf.distribute.cluster_resolver.TFConfigClusterResolver(
                tf_config=config))


def test_auto_shard_policies_across_two_workers(results):
    everything = sorted(10 * f + j for f in range(4) for j in range(4))
    w0, w1 = (r["shards"] for r in results)
    for key in ("auto", "file_interleave"):  # FILE: worker i reads files i, i + 2
        assert sorted(w0[key] + w1[key]) == everything  # each element once per epoch
        assert {v // 10 for v in w0[key]} == {0, 2} and {v // 10 for v in w1[key]} == {1, 3}
    # one file for two workers: AUTO falls back to DATA (rows of each global batch)
    assert sorted(w0["auto_one_file"] + w1["auto_one_file"]) == [0, 1, 2, 3]
    assert w0["auto_one_file"] and w1["auto_one_file"]
    assert w0["off"] == everything and w1["off"] == everything  # OFF: no sharding
    assert "fewer than the 2 workers" in w0["file_error"]
