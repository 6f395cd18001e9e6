"""tf.distribute in one process (one device): contexts, reductions, input, errors.

Multi-device behaviour is in test_multi_device.py (a subprocess with 4 devices).
References: values computed by hand / with NumPy, TF's documented semantics.
"""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

D = tf.distribute


def test_default_strategy_contexts():
    assert not D.has_strategy()
    assert not D.in_cross_replica_context()
    assert D.get_strategy().num_replicas_in_sync == 1
    ctx = D.get_replica_context()
    assert ctx is not None and int(ctx.replica_id_in_sync_group) == 0
    with D.get_strategy().scope():
        assert not D.has_strategy()  # as TF: the default strategy's scope is no strategy


def test_scope_enters_cross_replica_context_and_run_the_replica_context():
    s = D.OneDeviceStrategy("/cpu:0")
    with s.scope():
        assert D.has_strategy() and D.in_cross_replica_context()
        assert D.get_strategy() is s and D.get_replica_context() is None

        def fn():
            ctx = D.get_replica_context()
            return ctx.num_replicas_in_sync, D.in_cross_replica_context()
        assert s.run(fn) == (1, False)
    assert not D.has_strategy()


def test_variables_created_in_scope_belong_to_the_strategy():
    s = D.MirroredStrategy(["/cpu:0"])
    with s.scope():
        v = tf.Variable([1.0, 2.0])
    assert v._distribute_strategy is s
    assert v.assign_add([1.0, 1.0]).numpy().tolist() == [2.0, 3.0]


def test_reduce_of_a_plain_tensor_reduces_over_axis():
    s = D.OneDeviceStrategy("/cpu:0")
    x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(s.reduce(D.ReduceOp.SUM, x, axis=0).numpy(), [4.0, 8.0])
    np.testing.assert_allclose(s.reduce("mean", x, axis=0).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(s.reduce("SUM", x, axis=None).numpy(), x.numpy())
    with pytest.raises(ValueError, match="reduce_op"):
        s.reduce("max", x, axis=None)


def test_per_replica_values_and_local_results():
    from tapeflow.distribute.values import PerReplica
    s = D.MirroredStrategy(["/cpu:0"])
    pr = PerReplica([tf.constant(1.0)])
    assert s.experimental_local_results(pr) == pr.values
    assert s.experimental_local_results(3.0) == (3.0,)


def test_input_context_batch_size():
    ctx = D.InputContext(num_input_pipelines=2, input_pipeline_id=1, num_replicas_in_sync=4)
    assert ctx.get_per_replica_batch_size(64) == 16
    with pytest.raises(ValueError, match="not divisible"):
        ctx.get_per_replica_batch_size(10)


def test_distribute_dataset_with_one_replica_yields_the_batches():
    s = D.OneDeviceStrategy("/cpu:0")
    ds = tf.data.Dataset.range(6).batch(4)
    got = [b.numpy().tolist() for b in s.experimental_distribute_dataset(ds)]
    assert got == [[0, 1, 2, 3], [4, 5]]


def test_compute_average_loss_uses_the_replicas_in_sync():
    loss = tf.constant([1.0, 2.0, 3.0, 4.0])
    assert float(tf.nn.compute_average_loss(loss)) == 2.5
    assert float(tf.nn.compute_average_loss(loss, global_batch_size=8)) == 1.25
    assert float(tf.nn.scale_regularization_loss([1.0, 3.0])) == 4.0


def test_fit_under_one_device_strategy_matches_plain_fit():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")

    def run(strategy):
        with strategy.scope() if strategy else tf.name_scope(""):
            keras.utils.set_random_seed(3)
            m = keras.Sequential([keras.layers.Dense(1)])
            m.build((None, 4))
            m.compile("sgd", "mse")
        m.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        return m.get_weights()
    for a, b in zip(run(None), run(D.OneDeviceStrategy("/cpu:0"))):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_cluster_resolver_reads_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"chief": ["c:1"], "worker": ["w:1", "w:2"]},'
                                    ' "task": {"type": "worker", "index": 1}}')
    r = D.cluster_resolver.TFConfigClusterResolver()
    assert (r.task_type, r.task_id) == ("worker", 1)
    assert r.cluster_spec().as_dict() == {"chief": ["c:1"], "worker": ["w:1", "w:2"]}
    assert r.master() == "grpc://w:2"


def test_mirrored_strategy_rejects_unknown_devices():
    with pytest.raises(ValueError, match="Unknown device"):
        D.MirroredStrategy(["/cpu:99"])


def test_compile_under_a_strategy_rejects_variables_created_outside_it():
    m = keras.Sequential([keras.layers.Dense(1)])
    m.build((None, 2))  # outside any scope
    with D.OneDeviceStrategy("/cpu:0").scope():
        with pytest.raises(ValueError, match="not created in the distribution strategy scope"):
            m.compile("sgd", "mse")


def test_checkpoint_written_under_a_strategy_restores_without_it(tmp_path):
    s = D.MirroredStrategy(["/cpu:0"])
    with s.scope():
        v = tf.Variable([1.0, 2.0, 3.0])
    path = tf.train.Checkpoint(v=v).save(str(tmp_path / "ckpt"))
    plain = tf.Variable([0.0, 0.0, 0.0])
    tf.train.Checkpoint(v=plain).restore(path)
    np.testing.assert_array_equal(plain.numpy(), [1.0, 2.0, 3.0])
    with s.scope():
        back = tf.Variable([0.0, 0.0, 0.0])
    path2 = tf.train.Checkpoint(v=tf.Variable([4.0, 5.0, 6.0])).save(str(tmp_path / "plain"))
    layout = back._value.sharding
    tf.train.Checkpoint(v=back).restore(path2)
    np.testing.assert_array_equal(back.numpy(), [4.0, 5.0, 6.0])
    assert back._value.sharding == layout  # restored in place: still the strategy's layout
    assert back._distribute_strategy is s


def test_namespace_lists_tf_names_and_accepts_cross_device_ops():
    names = set(dir(D))
    assert {"MirroredStrategy", "ReduceOp", "get_strategy", "cluster_resolver"} <= names
    assert not names & {"strategy", "context", "input_lib", "spmd_run", "values"}
    s = D.MirroredStrategy(["/cpu:0"], cross_device_ops=D.HierarchicalCopyAllReduce())
    assert s.num_replicas_in_sync == 1
