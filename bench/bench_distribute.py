"""Data-parallel MNIST MLP fit under tf.distribute.MirroredStrategy on 1, 2, 4, 8 CPU devices.

Model: Flatten -> Dense(512, relu) -> Dense(512, relu) -> Dense(10); sparse categorical
cross-entropy (from logits), Adam(1e-3), global batch 256, one epoch over the 10k shipped
MNIST images. Each device count runs in its own process (XLA's host device count is
fixed when the runtime starts: `tf.config.set_logical_device_configuration`). A warm-up
fit compiles first; the timed figure is the next full epoch. The step is ONE SPMD program
(jax.jit over the 'batch' mesh axis, gradient all-reduce inserted by XLA), so every device
count must reach the same loss and accuracy (same weights as one device).

    python bench/bench_distribute.py [--devices 1,2,4,8] [--repeats 1]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/work/shared/data/mnist"
BATCH = 256


def load_data():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype("int64")
    return x.astype("float32") / 255.0, y


def worker(n):
    import tapeflow as tf
    from tapeflow import keras
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    x, y = load_data()
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(512, "relu"),
                                  keras.layers.Dense(512, "relu"), keras.layers.Dense(10)])
        model.compile(keras.optimizers.Adam(1e-3),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    model.fit(x[:2 * BATCH], y[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)
    t0 = time.perf_counter()
    hist = model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    dt = time.perf_counter() - t0
    return {"devices": strategy.num_replicas_in_sync, "seconds": dt,
            "loss": hist.history["loss"][-1], "accuracy": hist.history["accuracy"][-1]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--devices", default="1,2,4,8")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--worker", type=int)
    a = p.parse_args()
    if a.worker:
        print("RESULT " + json.dumps(worker(a.worker)))
        return
    counts = [int(c) for c in a.devices.split(",")]
    best = {}
    for _ in range(a.repeats):
        for n in counts:
            out = subprocess.run([sys.executable, __file__, "--worker", str(n)],
                                 capture_output=True, text=True)
            line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
            if not line:
                print(f"{n} devices failed:\n{out.stderr[-3000:]}")
                continue
            r = json.loads(line[0][7:])
            if n not in best or r["seconds"] < best[n]["seconds"]:
                best[n] = r
    base = best.get(counts[0], {}).get("seconds")
    print("| logical CPU devices | epoch s | vs 1 device | loss | accuracy |")
    print("|---|---|---|---|---|")
    for n in counts:
        if n in best:
            r = best[n]
            print(f"| {n} | {r['seconds']:.2f} | {r['seconds'] / base:.2f}x | "
                  f"{r['loss']:.4f} | {r['accuracy']:.4f} |")


if __name__ == "__main__":
    main()
