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


def train(strategy=None, rows=64, k=1):
    """Keras fit; rows=62: the last batch (14 rows) does not divide by the 4 replicas."""
    x, y = (a[:rows] for a in data())
    with strategy.scope() if strategy is not None else _null():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
        m.build((None, 8))
        m.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=k)
    h = m.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    weights = [np.asarray(v._value.addressable_data(0)) if hasattr(v._value, "addressable_data")
               else v.numpy() for v in m.weights]
    return {"loss": h.history["loss"], "weights": [w.tolist() for w in weights]}


def custom_loop(strategy=None, compiled=True, from_function=False, rows=64):
    """A strategy.run loop (compiled, or eager); without a strategy: plain tf.function.

    rows=62: the last global batch (14 rows) splits 4, 4, 4, 2 over the 4 replicas.

    from_function: each worker's dataset_fn takes every num_input_pipelines-th row, so a
    step's 4 per-replica batches of 4 hold the same 16 rows as the one-device batch."""
    x, y = (a[:rows] for a in data())
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
            loss = tf.nn.compute_average_loss(loss_obj(yb, m(xb, training=True)),
                                              global_batch_size=16)
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
        # 3 files: worker 1 (file 1) runs out first and hands in empty batches
        "file_3": seen(lines(tf.data.TextLineDataset(files[:3])), policy.FILE),
        "off": seen(lines(tf.data.TextLineDataset(files)), policy.OFF)}
    try:
        seen(lines(tf.data.TextLineDataset(files[:1])), policy.FILE)
    except tf.errors.InvalidArgumentError as e:
        out["file_error"] = str(e)
    return out


def write_records(directory):
    """rec0..rec3.tfrecord, 8 records each: 8 float32 features then an int64 label."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(32, 8)).astype("float32"), rng.integers(0, 3, 32)
    for f in range(4):
        with tf.io.TFRecordWriter(os.path.join(directory, f"rec{f}.tfrecord")) as w:
            for i in range(8 * f, 8 * f + 8):
                w.write(x[i].tobytes() + np.int64(y[i]).tobytes())


def records(directory, policy=None, count=4):
    """The records in batches of 16: one batch holds files 2k and 2k + 1 in order, which
    is also the global batch of 2 workers that read files i, i + 2 (FILE), 8 rows each."""
    def parse(r):
        xb = tf.io.decode_raw(tf.strings.substr(r, 0, 32), tf.float32)
        return tf.reshape(xb, [8]), tf.io.decode_raw(tf.strings.substr(r, 32, 8), tf.int64)[0]
    files = [os.path.join(directory, f"rec{f}.tfrecord") for f in range(count)]
    ds = tf.data.TFRecordDataset(files).map(parse).batch(16)
    if policy is not None:
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = policy
        ds = ds.with_options(options)
    return ds


def record_fit(directory, strategy=None):
    """Keras fit / evaluate / predict on the TFRecord files (FILE policy under a strategy)."""
    policy = tf.data.experimental.AutoShardPolicy.FILE if strategy is not None else None
    with strategy.scope() if strategy is not None else _null():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
        m.build((None, 8))
        m.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = m.fit(records(directory, policy), epochs=2, verbose=0)
    out = {"loss": h.history["loss"], "evaluate": m.evaluate(records(directory, policy),
                                                             verbose=0),
           "predict": np.asarray(m.predict(records(directory, policy), verbose=0)).tolist(),
           # 3 files: worker 1 has no second batch; that step is worker 0's rows alone
           "evaluate_3_files": m.evaluate(records(directory, policy, count=3), verbose=0),
           "weights": [np.asarray(v._value.addressable_data(0)).tolist()
                       if hasattr(v._value, "addressable_data") else v.numpy().tolist()
                       for v in m.weights]}
    if strategy is not None:  # the rows this worker's input pipeline read (its files)
        mine = strategy._keras_input(records(directory, policy))
        out["read"] = sorted(round(float(v), 5) for b in mine._dataset for v in
                             np.asarray(b[0])[:, 0])
    return out


def hint_checks(strategy, directory):
    """AutoShardPolicy.HINT fills shard(SHARD_HINT, SHARD_HINT); FILE-sharded uneven batches
    (each worker's 3 rows split 2, 1 over its replicas) in a compiled strategy.run."""
    policy = tf.data.experimental.AutoShardPolicy
    hint = tf.data.experimental.SHARD_HINT

    def with_policy(ds, p):
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = p
        return ds.with_options(options)
    ds = tf.data.Dataset.range(16).shard(hint, hint).batch(4)
    out = {"hint": [v.numpy().tolist() for b in strategy.experimental_distribute_dataset(
        with_policy(ds, policy.HINT)) for v in strategy.experimental_local_results(b)]}
    try:
        list(strategy.experimental_distribute_dataset(with_policy(ds, policy.OFF)))
    except tf.errors.FailedPreconditionError as e:
        out["hint_off_error"] = str(e)
    lines = tf.data.TextLineDataset(sorted(glob.glob(os.path.join(directory, "*.txt")))).map(
        lambda s: tf.strings.to_number(s, tf.int64)).batch(6)
    def step(b):
        sums, sizes = strategy.run(lambda x: (tf.reduce_sum(x), tf.size(x)), args=(b,))
        return strategy.reduce("SUM", sums, axis=None), strategy.reduce("SUM", sizes, axis=None)
    total = tf.function(step)
    out["file_uneven"] = [[int(t) for t in total(b)] for b in
                          strategy.experimental_distribute_dataset(with_policy(lines,
                                                                               policy.FILE))]
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
    out["short_compiled"] = [float(v) for v in s.experimental_local_results(tf.function(
        lambda b: s.run(lambda x: ctx().all_reduce("SUM", tf.reduce_sum(tf.cast(
            x, tf.float32)) + 100 * tf.cast(tf.size(x), tf.float32)), args=(b,)))(short))]
    out["custom_uneven"] = custom_loop(s, rows=62)
    out["fit_uneven"] = train(s, rows=62, k=3)  # 3 steps per compiled loop, then the short one
    out["from_function_uneven"] = custom_loop(s, from_function=True, rows=62)
    out["records"] = record_fit(os.environ["SHARD_DIR"], s)
    out["hint"] = hint_checks(s, os.environ["SHARD_DIR"])
    print("RESULT " + json.dumps(out))
