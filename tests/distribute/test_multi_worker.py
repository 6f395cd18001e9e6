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
    multi_worker_checks.write_records(str(shard_dir))
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
    return results, str(shard_dir)


def test_two_workers_fit_and_run_like_one_device(results):
    results = results[0]
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
        # compiled across processes too: every replica's slice known to every process
        assert r["short_compiled"] == [15.0 + 600.0, 15.0 + 600.0]
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
    results = results[0]
    everything = sorted(10 * f + j for f in range(4) for j in range(4))
    w0, w1 = (r["shards"] for r in results)
    for key in ("auto", "file_interleave"):  # FILE: worker i reads files i, i + 2
        assert sorted(w0[key] + w1[key]) == everything  # each element once per epoch
        assert {v // 10 for v in w0[key]} == {0, 2} and {v // 10 for v in w1[key]} == {1, 3}
    # one file for two workers: AUTO falls back to DATA (rows of each global batch)
    assert sorted(w0["auto_one_file"] + w1["auto_one_file"]) == [0, 1, 2, 3]
    assert w0["auto_one_file"] and w1["auto_one_file"]
    assert w0["off"] == everything and w1["off"] == everything  # OFF: no sharding
    assert sorted(w0["file_3"] + w1["file_3"]) == everything[:12]  # each element once
    assert {v // 10 for v in w1["file_3"]} == {1}
    assert "fewer than the 2 workers" in w0["file_error"]


def test_compiled_run_over_uneven_batches_across_processes(results):
    """62 rows in global batches of 16: the last (14) splits 4, 4, 4, 2 (TF's ceil split);
    the compiled loop across 2 processes gives the one-device weights."""
    results = results[0]
    ref = multi_worker_checks.custom_loop(rows=62)
    ref_fit = multi_worker_checks.train(rows=62)
    for r in results:
        # Keras fit: the short batch (14 rows) runs replicated on every device
        np.testing.assert_allclose(r["fit_uneven"]["loss"], ref_fit["loss"], atol=1e-5)
        for w, w_ref in zip(r["fit_uneven"]["weights"], ref_fit["weights"]):
            np.testing.assert_allclose(w, w_ref, atol=1e-5)
        # distribute_datasets_from_function: the last step's per-replica batches are 4, 3
        # in each worker (its rows i mod 2), the same 14 rows as the one-device last batch
        for key in ("custom_uneven", "from_function_uneven"):
            np.testing.assert_allclose(r[key]["loss"], ref["loss"], atol=1e-5)
            for w, w_ref in zip(r[key]["weights"], ref["weights"]):
                np.testing.assert_allclose(w, w_ref, atol=1e-5)
        # FILE: each worker's batch of 3 lines splits 2, 1; sums and sizes over all 4 replicas
        everything = [10 * f + j for f in range(4) for j in range(4)]
        assert sum(s for s, _ in r["hint"]["file_uneven"]) == sum(everything)
        assert [n for _, n in r["hint"]["file_uneven"]] == [6, 6, 4]


def test_keras_fit_reads_each_workers_files_with_file_policy(results):
    """FILE: worker i reads files i and i + 2 (8 rows each, per-worker batch 8), so a step's
    global batch is files 2k, 2k + 1: the one-process fit over all files in order."""
    results, directory = results
    ref = multi_worker_checks.record_fit(directory)
    xs = np.concatenate([np.asarray(b[0]) for b in multi_worker_checks.records(directory)])
    first = [[round(float(v), 5) for v in xs[8 * f:8 * f + 8, 0]] for f in range(4)]
    for i, r in enumerate(results):
        rec = r["records"]
        assert rec["read"] == sorted(first[i] + first[i + 2])  # its files only
        np.testing.assert_allclose(rec["loss"], ref["loss"], atol=1e-5)
        np.testing.assert_allclose(rec["evaluate"], ref["evaluate"], atol=1e-5)
        np.testing.assert_allclose(rec["evaluate_3_files"], ref["evaluate_3_files"], atol=1e-5)
        np.testing.assert_allclose(rec["predict"], ref["predict"], atol=1e-5)
        for w, w_ref in zip(rec["weights"], ref["weights"]):
            np.testing.assert_allclose(w, w_ref, atol=1e-5)


def test_shard_hint_across_two_workers(results):
    w0, w1 = (r["hint"] for r in results[0])
    # shard(2, i) in place of shard(SHARD_HINT, SHARD_HINT), then per-worker batches of 2
    # split over the worker's 2 replicas
    assert [v for b in w0["hint"] for v in b] == list(range(0, 16, 2))
    assert [v for b in w1["hint"] for v in b] == list(range(1, 16, 2))
    assert "AutoShardPolicy.HINT" in w0["hint_off_error"]
