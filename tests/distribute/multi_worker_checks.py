"""One worker of a 2-process MultiWorkerMirroredStrategy run (2 logical CPU devices each).

Started twice by tests/distribute/test_multi_worker.py with TF_CONFIG naming both
workers on localhost; prints the trained weights as JSON.
"""
import glob
import json
import os

import numpy as np

import tapeflow as tf
from tapeflow import keras

def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(64, 8)).astype("float32"), rng.integers(0, 3, 64)


def train(strategy=None):
    x, y = data()
    with strategy.scope() if strategy is not None else _null():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
        m.build((None, 8))
        m.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    h = m.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    weights = [np.asarray(v._value.addressable_data(0)) if hasattr(v._value, "addressable_data")
               else v.numpy() for v in m.weights]
    return {"loss": h.history["loss"], "weights": [w.tolist() for w in weights]}


def custom_loop(strategy=None, compiled=True, from_function=False):
    """A strategy.run loop (compiled, or eager); without a strategy: plain tf.function.

    from_function: each worker's dataset_fn takes every num_input_pipelines-th row, so a
    step's 4 per-replica batches of 4 hold the same 16 rows as the one-device batch."""
    x, y = data()
    loss_obj = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    with strategy.scope() if strategy is not None else _null():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
        m.build((None, 8))
        opt = keras.optimizers.SGD(0.1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)

    def step(inputs):
        xb, yb = inputs
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(loss_obj(yb, m(xb, training=True)))
        opt.apply_gradients(zip(tape.gradient(loss, m.trainable_variables),
                                m.trainable_variables))
        return loss

    if strategy is None:
        dstep = tf.function(step)
    else:
        if from_function:
            def dataset_fn(ctx):
                return tf.data.Dataset.from_tensor_slices((x, y)).shard(
                    ctx.num_input_pipelines, ctx.input_pipeline_id).batch(
                    ctx.get_per_replica_batch_size(16))
            ds = strategy.distribute_datasets_from_function(dataset_fn)
        else:
            ds = strategy.experimental_distribute_dataset(ds)

        def dstep(b):
            return strategy.reduce("SUM", strategy.run(step, args=(b,)), axis=None)
        if compiled:
            dstep = tf.function(dstep)
    losses = [float(dstep(b)) for b in ds]
    weights = [np.asarray(v._value.addressable_data(0)) if hasattr(v._value, "addressable_data")
               else v.numpy() for v in m.weights]
    return {"loss": losses, "weights": [w.tolist() for w in weights]}


def shard_checks(strategy, directory):
    """Elements each worker sees of file-based pipelines under each AutoShardPolicy.

    Files f0..f3.txt hold the lines 10*f + 0..3; the global batch is 4."""
    policy = tf.data.experimental.AutoShardPolicy
    files = sorted(glob.glob(os.path.join(directory, "*.txt")))

    def lines(src):
        return src.map(lambda s: tf.strings.to_number(s, tf.int64)).batch(4)

    def seen(ds, shard_policy=None):
        if shard_policy is not None:
            options = tf.data.Options()
            options.experimental_distribute.auto_shard_policy = shard_policy
            ds = ds.with_options(options)
        return sorted(int(v) for b in strategy.experimental_distribute_dataset(ds)
                      for part in strategy.experimental_local_results(b)
                      for v in np.asarray(part).reshape(-1))
    out = {
        "auto": seen(lines(tf.data.TextLineDataset(files))),
        "file_interleave": seen(lines(tf.data.Dataset.list_files(
            os.path.join(directory, "*.txt"), shuffle=False).interleave(
            tf.data.TextLineDataset, cycle_length=1)), policy.FILE),
        "auto_one_file": seen(lines(tf.data.TextLineDataset(files[:1]))),  # DATA fallback
        "off": seen(lines(tf.data.TextLineDataset(files)), policy.OFF)}
    try:
        seen(lines(tf.data.TextLineDataset(files[:1])), policy.FILE)
    except tf.errors.InvalidArgumentError as e:
        out["file_error"] = str(e)
    return out


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    tf.config.set_logical_device_configuration(tf.config.list_physical_devices("CPU")[0],
                                               [tf.config.LogicalDeviceConfiguration()] * 2)
    s = tf.distribute.MultiWorkerMirroredStrategy()
    out = train(s)
    out["replicas"] = s.num_replicas_in_sync
    out["custom"] = custom_loop(s)
    out["eager"] = custom_loop(s, compiled=False)
    out["eager_from_function"] = custom_loop(s, compiled=False, from_function=True)
    ctx = tf.distribute.get_replica_context
    ids = s.run(lambda: tf.cast(ctx().replica_id_in_sync_group, tf.float32))
    out["local_ids"] = [float(v) for v in s.experimental_local_results(ids)]
    out["all_reduce"] = [float(v) for v in s.experimental_local_results(
        s.run(lambda: ctx().all_reduce("SUM", tf.cast(ctx().replica_id_in_sync_group,
                                                      tf.float32))))]
    out["all_gather"] = s.experimental_local_results(s.run(lambda: ctx().all_gather(
        tf.reshape(tf.cast(ctx().replica_id_in_sync_group, tf.float32), [1]), axis=0)))[
        0].numpy().tolist()
    out["reduce_mean"] = float(s.reduce("MEAN", ids, axis=None))
    out["shards"] = shard_checks(s, os.environ["SHARD_DIR"])
    rows = next(iter(s.experimental_distribute_dataset(tf.data.Dataset.range(8).batch(8))))
    out["gather"] = s.gather(rows, axis=0).numpy().tolist()
    out["reduce_sum_axis0"] = float(s.reduce("SUM", rows, axis=0))
    out["reduce_mean_axis0"] = float(s.reduce("MEAN", rows, axis=0))
    short = next(iter(s.experimental_distribute_dataset(tf.data.Dataset.range(6).batch(6))))
    out["short_local"] = [v.numpy().tolist() for v in s.experimental_local_results(short)]
    out["short_sum"] = float(s.reduce("SUM", short, axis=0))
    out["short_sizes"] = [float(v) for v in s.experimental_local_results(s.run(
        lambda x: ctx().all_reduce("SUM", tf.cast(tf.size(x), tf.float32)), args=(short,)))]
    try:
        tf.function(lambda b: s.run(tf.identity, args=(b,)))(short)
    except ValueError as e:
        out["short_compiled_error"] = str(e)
    print("RESULT " + json.dumps(out))
