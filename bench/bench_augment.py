"""Image augmentation in a tf.data pipeline: tapeflow next to TensorFlow.

    python bench/bench_augment.py [--repeats 3]

`Dataset.from_tensor_slices(images).batch(64).map(augment)` with
`augment = Sequential([RandomFlip(), RandomRotation(0.1), Rescaling(1/255)])`
called with training=True, one epoch iterated to NumPy, on (a) the shipped
10k MNIST test images (28x28x1) and (b) 640 random 224x224x3 uint8 images.
TensorFlow's map always runs a traced graph; tapeflow's map is timed with the
augmentation wrapped in `tf.function` (compiled, as TF) and plain (eager).
Each contender runs in its own process (TensorFlow through the peer
interpreter at $TAPEFLOW_TF_PYTHON, default /work/peers/tf/bin/python,
skipped when absent); one warm-up epoch, then the median of the repeats.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "src", "tapeflow", "keras", "datasets", "_data",
                     "t10k-images-idx3-ubyte.gz")


def datasets():
    with gzip.open(MNIST, "rb") as f:
        mnist = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
    big = np.random.default_rng(0).integers(0, 256, (640, 224, 224, 3), dtype=np.uint8)
    return {"mnist_28x28": mnist, "random_224x224": big}


def worker(lib, repeats):
    if lib == "tf":
        import tensorflow as tf
        keras = tf.keras
        modes = {"graph": True}
    else:
        sys.path.insert(0, os.path.join(HERE, "..", "src"))
        import tapeflow as tf
        from tapeflow import keras
        modes = {"compiled": True, "eager": False}
    L = keras.layers
    out = {}
    for name, x in datasets().items():
        aug = keras.Sequential([L.RandomFlip(seed=1), L.RandomRotation(0.1, seed=2),
                                L.Rescaling(1 / 255.0)])
        for mode, compiled in modes.items():
            def fn(b):
                return aug(b, training=True)
            if compiled and lib != "tf":
                fn = tf.function(fn)
            ds = tf.data.Dataset.from_tensor_slices(x).batch(64).map(fn)
            times = []
            for i in range(repeats + 1):
                t = time.perf_counter()
                for b in ds:
                    b.numpy()
                if i:
                    times.append(time.perf_counter() - t)
            out[f"{name}/{mode}"] = statistics.median(times)
    print(json.dumps(out))


def run(python, lib, repeats):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    res = subprocess.run([python, os.path.abspath(__file__), "--worker", lib,
                          "--repeats", str(repeats)], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--worker")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.repeats)
    ours = run(sys.executable, "tapeflow", args.repeats)
    tf_python = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")
    theirs = run(tf_python, "tf", args.repeats) if os.path.exists(tf_python) else {}
    print(f"{'pipeline':32s} {'tapeflow s/epoch':>17s} {'TF s/epoch':>11s} {'ratio':>6s}")
    for key, value in ours.items():
        name = key.split("/")[0]
        ref = theirs.get(f"{name}/graph")
        ratio = f"{value / ref:5.2f}x" if ref else "  -"
        print(f"{key:32s} {value:17.3f} {ref if ref else float('nan'):11.3f} {ratio:>6s}")


if __name__ == "__main__":
    main()
