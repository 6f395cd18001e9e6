"""Run in a subprocess with 4 logical CPU devices (XLA's device count is fixed at start).

Compares a data-parallel MirroredStrategy run against a one-device run (NumPy
weights), checks reduce/gather/all_reduce values and dataset splitting; prints
one JSON dict of results for tests/distribute/test_multi_device.py.
"""
import json
import os
import tempfile

import numpy as np

import tapeflow as tf
from tapeflow import keras

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 4)
rng = np.random.default_rng(0)
X = rng.normal(size=(64, 8)).astype("float32")
Y = rng.integers(0, 3, 64)
out = {}


def make():
    keras.utils.set_random_seed(1)
    m = keras.Sequential([keras.layers.Dense(16, activation="relu", name="hidden"),
                          keras.layers.Dense(3, name="logits")])
    m.build((None, 8))
    return m


def diff(a, b):
    return float(max(np.abs(p - q).max() for p, q in zip(a, b)))


def fit(strategy):
    with strategy.scope():
        m = make()
        m.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = m.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    return m, h.history


s4 = tf.distribute.MirroredStrategy()
out["replicas"] = s4.num_replicas_in_sync
m1, h1 = fit(tf.distribute.OneDeviceStrategy("/cpu:0"))
m4, h4 = fit(s4)
out["fit_weight_diff"] = diff(m1.get_weights(), m4.get_weights())
out["fit_loss_diff"] = float(np.abs(np.subtract(h1["loss"], h4["loss"])).max())
out["kernel_sharding"] = list(m4.weights[0]._value.sharding.spec)
out["eval_diff"] = float(np.abs(np.subtract(m1.evaluate(X, Y, verbose=0),
                                            m4.evaluate(X, Y, verbose=0))).max())
out["predict_diff"] = float(np.abs(m1.predict(X, verbose=0) - m4.predict(X, verbose=0)).max())



def fit_dataset_k3(strategy):  # tf.data input, 3 steps per compiled loop (+ a short group)
    with strategy.scope():
        m = make()
        m.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=3)
    m.fit(tf.data.Dataset.from_tensor_slices((X, Y)).batch(16), epochs=2, verbose=0)
    return m.get_weights()


out["fit_k3_weight_diff"] = diff(fit_dataset_k3(tf.distribute.OneDeviceStrategy("/cpu:0")),
                                 fit_dataset_k3(s4))
ckpt_path = tf.train.Checkpoint(model=m4).save(os.path.join(tempfile.mkdtemp(), "ckpt"))
plain = make()  # no strategy
tf.train.Checkpoint(model=plain).restore(ckpt_path)
out["ckpt_restore_diff"] = diff(m4.get_weights(), plain.get_weights())
with s4.scope():
    back = make()
tf.train.Checkpoint(model=back).restore(
    tf.train.Checkpoint(model=m1).save(os.path.join(tempfile.mkdtemp(), "ckpt")))
out["ckpt_back_diff"] = diff(m1.get_weights(), back.get_weights())
out["ckpt_back_devices"] = len(back.weights[0]._value.sharding.device_set)

loss_obj = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def custom_loop(strategy, compiled=False, data=(X, Y), epochs=2, global_batch_size=None):
    with strategy.scope():
        m, opt = make(), keras.optimizers.SGD(0.1)
    dds = strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices(data).batch(16))

    def step(inputs):
        xb, yb = inputs
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(loss_obj(yb, m(xb, training=True)),
                                              global_batch_size=global_batch_size)
        opt.apply_gradients(zip(tape.gradient(loss, m.trainable_variables),
                                m.trainable_variables))
        return loss
    def dstep(b):
        return strategy.reduce("SUM", strategy.run(step, args=(b,)), axis=None)
    if compiled:  # the replicas as one shard_map program
        dstep = tf.function(dstep)
    losses = [float(dstep(b)) for _ in range(epochs) for b in dds]
    return m.get_weights(), losses, int(opt.iterations)


ctx = tf.distribute.get_replica_context
w1, l1, _ = custom_loop(tf.distribute.OneDeviceStrategy("/cpu:0"))
w4, l4, _ = custom_loop(s4)
out["run_weight_diff"] = diff(w1, w4)
out["run_loss_diff"] = float(np.abs(np.subtract(l1, l4)).max())
wc, lc, _ = custom_loop(s4, compiled=True)
out["compiled_run_weight_diff"] = diff(w1, wc)
out["compiled_run_loss_diff"] = float(np.abs(np.subtract(l1, lc)).max())
compiled_ids = tf.function(lambda: s4.run(
    lambda: ctx().all_reduce("SUM", tf.cast(ctx().replica_id_in_sync_group, tf.float32)) +
    tf.cast(ctx().replica_id_in_sync_group, tf.float32)))()
out["compiled_ids"] = [float(v) for v in s4.experimental_local_results(compiled_ids)]

ids = s4.run(lambda: tf.cast(ctx().replica_id_in_sync_group, tf.float32))
out["replica_ids"] = [float(v) for v in s4.experimental_local_results(ids)]
out["all_reduce"] = [float(v) for v in s4.experimental_local_results(
    s4.run(lambda: ctx().all_reduce("SUM", tf.cast(ctx().replica_id_in_sync_group,
                                                   tf.float32))))]
rows = s4.run(lambda: tf.fill([2, 3], tf.cast(ctx().replica_id_in_sync_group, tf.float32)))
out["reduce_sum_none"] = s4.reduce("SUM", rows, axis=None).numpy().tolist()
out["reduce_mean_axis0"] = s4.reduce("MEAN", rows, axis=0).numpy().tolist()
out["gather"] = s4.gather(rows, axis=0).numpy()[:, 0].tolist()
out["avg_loss_in_run"] = [float(v) for v in s4.experimental_local_results(
    s4.run(lambda: tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0])))]
seen = []
for xb in s4.experimental_distribute_dataset(tf.data.Dataset.range(10).batch(5)):
    seen.append([v.numpy().tolist() for v in s4.experimental_local_results(xb)])
out["split"] = seen
fn_seen = []
for xb in s4.distribute_datasets_from_function(
        lambda c: tf.data.Dataset.range(8).batch(c.get_per_replica_batch_size(8))):
    fn_seen.append([v.numpy().tolist() for v in s4.experimental_local_results(xb)])
out["from_function"] = fn_seen
dist = keras.distribution
mesh = dist.DeviceMesh((2, 2), ["batch", "model"], dist.list_devices())
layout_map = dist.LayoutMap(mesh)
layout_map["hidden/kernel"] = (None, "model")  # 8x16 kernel: columns split
dist.set_distribution(dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch"))
mp = make()
mp.compile(keras.optimizers.Adam(0.01),
           keras.losses.SparseCategoricalCrossentropy(from_logits=True))
mp.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False)
dist.set_distribution(None)
out["model_parallel_kernel_spec"] = list(mp.weights[0]._value.sharding.spec)
ref = make()
ref.compile(keras.optimizers.Adam(0.01),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ref.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False)
out["model_parallel_weight_diff"] = diff(ref.get_weights(), mp.get_weights())

def mixed_fit(strategy):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        m, _ = fit(strategy)
        return m
    finally:
        keras.mixed_precision.set_global_policy("float32")


mixed1, mixed4 = mixed_fit(tf.distribute.OneDeviceStrategy("/cpu:0")), mixed_fit(s4)
out["mixed_optimizer"] = type(mixed4.optimizer).__name__
out["mixed_kernel_dtype"] = mixed4.weights[0].dtype.name
out["mixed_weight_diff"] = diff(mixed1.get_weights(), mixed4.get_weights())
# -- cross_device_ops: values, destinations, and the strategy using its ops object ----------
from tapeflow.distribute.values import PerReplica  # noqa: E402

devs = s4.extended.worker_devices
parts = [tf.constant(np.arange(6, dtype="float32").reshape(2, 3) * (i + 1)) for i in range(4)]
spread = PerReplica([tf.identity(p) for p in parts])
ref_sum = sum(p.numpy() for p in parts)
xops = {}
for name, ops in [("one_device", tf.distribute.ReductionToOneDevice()),
                  ("nccl", tf.distribute.NcclAllReduce(num_packs=2)),
                  ("hierarchical", tf.distribute.HierarchicalCopyAllReduce())]:
    r_sum = ops.reduce(tf.distribute.ReduceOp.SUM, spread, destinations="/cpu:1")
    r_mean = ops.reduce("MEAN", spread, destinations=spread)  # mirrored on each replica
    small = PerReplica([tf.constant([float(i)]) for i in range(4)])
    b = ops.batch_reduce("SUM", [(spread, "/cpu:0"), (small, "/cpu:0")])
    xops[name] = {
        "sum_err": float(np.abs(r_sum.numpy() - ref_sum).max()),
        "sum_device": str(next(iter(r_sum._value.devices()))),
        "mean_err": float(max(np.abs(v.numpy() - ref_sum / 4).max() for v in r_mean.values)),
        "mean_type": type(r_mean).__name__, "mean_parts": len(r_mean.values),
        "batch": [float(np.abs(b[0].numpy() - ref_sum).max()), b[1].numpy().tolist()]}
out["cross_device_ops"] = xops
calls = []


def largest(values):  # an accumulation_fn whose effect is visible: max instead of add_n
    calls.append(len(values))
    return tf.reduce_max(tf.stack(values), axis=0)


s_max = tf.distribute.MirroredStrategy(
    cross_device_ops=tf.distribute.ReductionToOneDevice(accumulation_fn=largest))
rid = lambda: tf.cast(ctx().replica_id_in_sync_group, tf.float32)  # noqa: E731
per = s_max.run(lambda: rid() + 1.0)
out["ops_reduce"] = float(s_max.reduce("SUM", per, axis=None))
out["ops_reduce_calls"] = list(calls)
calls.clear()
eager_ar = s_max.run(lambda: ctx().all_reduce("SUM", rid() + 1.0))
out["ops_all_reduce"] = [float(v) for v in s_max.experimental_local_results(eager_ar)]
out["ops_all_reduce_calls"] = list(calls)
compiled_ar = tf.function(lambda: s_max.run(lambda: ctx().all_reduce("SUM", rid() + 1.0)))()
out["ops_compiled_all_reduce"] = [float(v) for v in
                                  s_max.experimental_local_results(compiled_ar)]

# -- merge_call: once, in cross-replica context, with PerReplica arguments ---------------
merges = []


def merge_sum(strategy, x):
    merges.append((tf.distribute.in_cross_replica_context(), type(x).__name__))
    return strategy.reduce("SUM", x, axis=None)


out["merge_eager"] = [float(v) for v in s4.experimental_local_results(
    s4.run(lambda: ctx().merge_call(merge_sum, args=(rid() * 2.0,))))]
out["merge_compiled"] = [float(v) for v in s4.experimental_local_results(
    tf.function(lambda: s4.run(lambda: ctx().merge_call(merge_sum, args=(rid() * 2.0,))))())]
out["merges"] = [list(m) for m in merges]

# -- LossScaleOptimizer: finiteness checked after the all-reduce -------------------------
def lso_steps(compiled):
    with s4.scope():
        v = tf.Variable([1.0, 1.0])
        opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(1.0),
                                                       initial_scale=8.0)

    def step(bad):
        g = tf.ones([2]) * tf.where(tf.logical_and(bad, tf.equal(rid(), 1.0)),
                                    float("inf"), 1.0)
        opt.apply_gradients([(g, v)])
        return tf.identity(v)
    run = (tf.function(lambda bad: s4.run(step, args=(bad,))) if compiled else
           (lambda bad: s4.run(step, args=(bad,))))
    after_bad = [r.numpy().tolist() for r in s4.experimental_local_results(
        run(tf.constant(True)))]
    scale_bad = float(opt.loss_scale)
    run(tf.constant(False))
    return {"after_bad": after_bad, "scale_bad": scale_bad, "v_good": v.numpy().tolist(),
            "scale_good": float(opt.loss_scale), "iterations": int(opt.iterations)}


out["lso_eager"] = lso_steps(False)
out["lso_compiled"] = lso_steps(True)

# -- uneven global batches: 70 rows in batches of 16, the last (6) split 2, 2, 2, 0 ----------
X70, Y70 = rng.normal(size=(70, 8)).astype("float32"), rng.integers(0, 3, 70)


wu1, lu1, _ = custom_loop(tf.distribute.OneDeviceStrategy("/cpu:0"), data=(X70, Y70),
                          epochs=1, global_batch_size=16)
wu4, lu4, it4 = custom_loop(s4, compiled=True, data=(X70, Y70), epochs=1,
                            global_batch_size=16)
out["uneven_weight_diff"] = diff(wu1, wu4)
out["uneven_loss_diff"] = float(np.abs(np.subtract(lu1, lu4)).max())
out["uneven_iterations"] = it4
short = next(iter(s4.experimental_distribute_dataset(tf.data.Dataset.range(1, 7).batch(6))))
merges.clear()
uneven_sync = tf.function(lambda b: s4.run(lambda x: (
    ctx().all_reduce("SUM", tf.reduce_sum(tf.cast(x, tf.float32))),
    ctx().merge_call(merge_sum, args=(tf.cast(tf.size(x), tf.float32),))), args=(b,)))(short)
out["uneven_all_reduce"] = [float(v) for v in s4.experimental_local_results(uneven_sync[0])]
out["uneven_merge"] = [float(v) for v in s4.experimental_local_results(uneven_sync[1])]
out["uneven_reduce_mean_axis0"] = float(s4.reduce("MEAN", short, axis=0))
out["uneven_merges"] = [list(m) for m in merges]

print("RESULT " + json.dumps(out))
