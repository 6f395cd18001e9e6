"""tf.distribute on 4 logical CPU devices, checked in one subprocess (see multi_device_checks.py).

References: a one-device run of the same program (weights, losses) and
values computed by hand from the replica ids.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(__file__)


@pytest.fixture(scope="module")
def result():
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "multi_device_checks.py")],
                          capture_output=True, text=True, env=env, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_four_replicas(result):
    assert result["replicas"] == 4


def test_fit_evaluate_predict_match_one_device(result):
    assert result["kernel_sharding"] == []  # replicated variables
    assert result["fit_weight_diff"] < 1e-5
    assert result["fit_loss_diff"] < 1e-5
    assert result["eval_diff"] < 1e-5
    assert result["predict_diff"] < 1e-5
    assert result["fit_k3_weight_diff"] < 1e-5  # steps_per_execution loop, dataset input


def test_custom_run_loop_matches_one_device(result):
    assert result["run_weight_diff"] < 1e-5
    assert result["run_loss_diff"] < 1e-5


def test_compiled_run_is_one_spmd_program_matching_one_device(result):
    assert result["compiled_run_weight_diff"] < 1e-5
    assert result["compiled_run_loss_diff"] < 1e-5
    assert result["compiled_ids"] == [6.0, 7.0, 8.0, 9.0]  # psum of ids + own id


def test_replica_ids_and_all_reduce(result):
    assert result["replica_ids"] == [0.0, 1.0, 2.0, 3.0]
    assert result["all_reduce"] == [6.0] * 4


def test_compute_average_loss_divides_by_the_global_batch(result):
    assert result["avg_loss_in_run"] == [0.625] * 4  # 10 / (4 per replica x 4), as TF 2.15


def test_reduce_and_gather(result):
    np.testing.assert_allclose(result["reduce_sum_none"], np.full((2, 3), 6.0))
    np.testing.assert_allclose(result["reduce_mean_axis0"], [1.5, 1.5, 1.5])  # 8 rows, sum 12
    assert result["gather"] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_dataset_split_covers_each_element_once(result):
    # global batches of 5 over 4 replicas: ceil(5/4) each, as TF 2.15 prints
    assert result["split"] == [[[0, 1], [2, 3], [4], []], [[5, 6], [7, 8], [9], []]]
    assert result["from_function"] == [[[0, 1], [2, 3], [4, 5], [6, 7]]]


def test_keras_model_parallel_layout_and_weights(result):
    assert result["model_parallel_kernel_spec"] == [None, "model"]  # per the LayoutMap
    assert result["model_parallel_weight_diff"] < 1e-5


def test_mixed_float16_fit_under_strategy(result):
    assert result["mixed_optimizer"] == "LossScaleOptimizer"  # compile wraps it, as tf.keras
    assert result["mixed_kernel_dtype"] == "float32"
    assert result["mixed_weight_diff"] < 1e-3  # float16 compute: rounding differs by layout


def test_checkpoint_of_a_four_replica_model_restores_without_strategy(result):
    assert result["ckpt_restore_diff"] == 0.0
    assert result["ckpt_back_diff"] == 0.0  # one-device checkpoint into a 4-replica model
    assert result["ckpt_back_devices"] == 4  # restored values stay replicated


@pytest.mark.parametrize("name", ["one_device", "nccl", "hierarchical"])
def test_cross_device_ops_reduce_and_batch_reduce(result, name):
    r = result["cross_device_ops"][name]
    assert r["sum_err"] == 0.0 and r["sum_device"] == "cpu:1"  # on the destination device
    assert r["mean_err"] == 0.0  # sum / 4
    assert r["mean_type"] == "Mirrored" and r["mean_parts"] == 4  # one copy per destination
    assert r["batch"] == [0.0, [6.0]]  # 0+1+2+3, packed with a (2, 3) tensor


def test_strategy_reduces_through_its_cross_device_ops(result):
    # ReductionToOneDevice(accumulation_fn=max) makes SUM the max of the replicas' 1..4
    assert result["ops_reduce"] == 4.0 and result["ops_reduce_calls"] == [4]
    assert result["ops_all_reduce"] == [4.0] * 4
    assert result["ops_all_reduce_calls"] == [4]  # once for all replicas, not per replica
    assert result["ops_compiled_all_reduce"] == [4.0] * 4


def test_merge_call_runs_once_in_cross_replica_context(result):
    assert result["merge_eager"] == [12.0] * 4  # SUM of 2 * replica id
    assert result["merge_compiled"] == [12.0] * 4
    assert result["merges"] == [[True, "PerReplica"]] * 2  # once eagerly, one trace compiled


@pytest.mark.parametrize("mode", ["lso_eager", "lso_compiled"])
def test_loss_scale_optimizer_skips_on_every_replica_together(result, mode):
    r = result[mode]  # replica 1's gradient is inf: the all-reduced gradient is inf
    assert r["after_bad"] == [[1.0, 1.0]] * 4  # every replica skipped the update
    assert r["scale_bad"] == 4.0  # halved once (8 -> 4), not once per replica
    assert r["v_good"] == [-3.0, -3.0]  # next step: 1 - SGD(1.0) * (4 replicas x 1.0)
    assert r["scale_good"] == 4.0 and r["iterations"] == 2


def test_compiled_run_with_an_uneven_last_batch_matches_one_device(result):
    # 70 rows in global batches of 16: the last batch of 6 is split 2, 2, 2, 0 (as TF)
    assert result["uneven_weight_diff"] < 1e-5
    assert result["uneven_loss_diff"] < 1e-5
    assert result["uneven_iterations"] == 5  # one optimizer update per step


def test_uneven_split_reductions_count_the_real_elements(result):
    # range(1, 7) as one global batch of 6: replicas hold [1, 2], [3, 4], [5, 6], []
    assert result["uneven_all_reduce"] == [21.0] * 4
    assert result["uneven_merge"] == [6.0] * 4  # SUM of the per-replica sizes 2, 2, 2, 0
    assert result["uneven_merges"] == [[True, "PerReplica"]]  # merge_fn ran once
    assert result["uneven_reduce_mean_axis0"] == 3.5  # 21 / 6 real elements
