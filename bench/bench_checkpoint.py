"""Save + restore of 100M float32 parameters: TF checkpoint format, .weights.h5, TF, disk copy.

`python bench/bench_checkpoint.py [--params N] [--repeats R]`

Each contender runs in its own process on 10 variables of N/10 float32 values
(default N = 100M, 400 MB) in a fresh temporary directory on the same disk:
- `disk copy`: the same bytes written with one `write` per array and read back with
  `readinto` (what any format must at least do);
- `tapeflow TF ckpt`: `tf.train.Checkpoint(...).write` then `.restore`;
- `tapeflow .weights.h5`: `save_weights` / `load_weights` in Keras 3's HDF5 layout;
- `TensorFlow ckpt`: TF's own `tf.train.Checkpoint` (when TAPEFLOW_TF_PYTHON or the
  peer venv has TensorFlow).
Saves are followed by `os.sync`-free reads, so both sides hit the page cache the
same way; the figure is the best of R runs, as seconds and × the disk copy time.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

TF_PYTHON = os.environ.get("TAPEFLOW_TF_PYTHON", "/work/peers/tf/bin/python")


def _arrays(n):
    import numpy as np
    per = n // 10
    return [np.full(per, i + 0.5, dtype=np.float32) for i in range(10)]


def run_disk(n, d):
    arrays = _arrays(n)
    path = os.path.join(d, "raw.bin")
    t0 = time.perf_counter()
    with open(path, "wb", buffering=0) as f:
        for a in arrays:
            f.write(memoryview(a).cast("B"))
    t1 = time.perf_counter()
    import numpy as np
    out = [np.empty_like(a) for a in arrays]
    with open(path, "rb", buffering=0) as f:
        for a in out:
            f.readinto(memoryview(a).cast("B"))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def run_tapeflow(n, d):
    import tapeflow as tf
    variables = [tf.Variable(a) for a in _arrays(n)]
    ckpt = tf.train.Checkpoint(vs=variables)
    t0 = time.perf_counter()
    path = ckpt.write(os.path.join(d, "ckpt"))
    t1 = time.perf_counter()
    ckpt.restore(path).assert_consumed()
    float(variables[-1][0])  # values in place
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def run_h5(n, d):
    from tapeflow import keras
    from tapeflow.keras.saving import h5_weights
    arrays = _arrays(n)

    class Holder(keras.layers.Layer):
        def build(self, input_shape):
            self.ws = [self.add_weight(f"w{i}", a.shape, initializer="zeros")
                       for i, a in enumerate(arrays)]

    layer = Holder()
    layer.build(None)
    for w, a in zip(layer.ws, arrays):
        w.assign(a)
    path = os.path.join(d, "w.weights.h5")
    t0 = time.perf_counter()
    h5_weights.save_weights_to_h5(layer, path)
    t1 = time.perf_counter()
    h5_weights.load_weights_from_h5(layer, path)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


TF_CODE = r"""
import json, os, sys, time
import numpy as np
import tensorflow as tf
n, d = int(sys.argv[1]), sys.argv[2]
vs = [tf.Variable(np.full(n // 10, i + 0.5, dtype=np.float32)) for i in range(10)]
ckpt = tf.train.Checkpoint(vs=vs)
t0 = time.perf_counter(); path = ckpt.write(os.path.join(d, "ckpt")); t1 = time.perf_counter()
ckpt.restore(path).expect_partial(); float(vs[-1][0]); t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1]))
"""

CONTENDERS = {"disk copy": run_disk, "tapeflow TF ckpt": run_tapeflow,
              "tapeflow .weights.h5": run_h5}


def _child(name, n):
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(__file__))) as d:
        print(json.dumps(CONTENDERS[name](n, d)))


def _measure(name, n):
    if name == "TensorFlow ckpt":
        if not os.path.exists(TF_PYTHON):
            return None
        with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(__file__))) as d:
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
            env.pop("PYTHONPATH", None)
            out = subprocess.run([TF_PYTHON, "-c", TF_CODE, str(n), d], env=env,
                                 capture_output=True, text=True, check=True).stdout
    else:
        out = subprocess.run([sys.executable, __file__, "--child", name, "--params", str(n)],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", type=int, default=100_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.params)
        return
    names = list(CONTENDERS) + ["TensorFlow ckpt"]
    best = {}
    for _ in range(args.repeats):
        for name in names:  # interleaved rounds
            got = _measure(name, args.params)
            if got is None:
                best[name] = None
                continue
            old = best.get(name)
            best[name] = got if old is None else [min(a, b) for a, b in zip(old, got)]
    gb = args.params * 4 / 1e9
    base = best["disk copy"]
    print(f"{args.params / 1e6:.0f}M float32 params ({gb:.2f} GB), best of {args.repeats}")
    print(f"{'contender':24s} {'save s':>8s} {'restore s':>10s} {'save x':>8s} "
          f"{'restore x':>10s} {'total GB/s':>10s}")
    for name in names:
        t = best[name]
        if t is None:
            print(f"{name:24s} skipped (no TensorFlow interpreter)")
            continue
        print(f"{name:24s} {t[0]:8.2f} {t[1]:10.2f} {t[0] / base[0]:7.2f}x "
              f"{t[1] / base[1]:9.2f}x {2 * gb / (t[0] + t[1]):10.2f}")


if __name__ == "__main__":
    main()
