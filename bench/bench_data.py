"""One epoch of from_tensor_slices((x, y)).shuffle(1024).batch(64).prefetch(2) over
x[60000x784] float32, next to plain NumPy permutation indexing of the same arrays
and (when installed) tf.data.

    python bench/bench_data.py [--repeats 5]

Prints the median epoch time of each and the tapeflow/NumPy ratio (target <= 3x).
"""
import argparse
import statistics
import time

import numpy as np

import tapeflow as tf

N, D, BATCH, BUFFER = 60000, 784, 64, 1024


def numpy_epoch(x, y, rng):
    perm = rng.permutation(len(x))
    n = 0
    for i in range(0, len(x), BATCH):
        idx = perm[i:i + BATCH]
        xb, yb = x[idx], y[idx]
        n += len(xb) + 0 * len(yb)
    return n


def tapeflow_epoch(ds):
    n = 0
    for xb, yb in ds:
        n += xb.shape[0]
    return n


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - t)
        assert n == N, n
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, 10, N).astype(np.uint8)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(BUFFER).batch(BATCH).prefetch(2)
    tapeflow_epoch(ds)  # warm up
    t_np = median_time(lambda: numpy_epoch(x, y, rng), args.repeats)
    t_tf = median_time(lambda: tapeflow_epoch(ds), args.repeats)
    print(f"numpy permutation indexing : {t_np * 1e3:8.1f} ms/epoch")
    print(f"tapeflow.data              : {t_tf * 1e3:8.1f} ms/epoch  ({t_tf / t_np:.2f}x numpy)")
    try:
        import tensorflow as real_tf
    except ImportError:
        print("tensorflow (tf.data)       :   not installed, skipped")
        return
    tds = real_tf.data.Dataset.from_tensor_slices((x, y))
    tds = tds.shuffle(BUFFER).batch(BATCH).prefetch(2)
    t_real = median_time(lambda: sum(int(b[0].shape[0]) for b in tds), args.repeats)
    print(f"tensorflow tf.data         : {t_real * 1e3:8.1f} ms/epoch  ({t_real / t_np:.2f}x numpy)")


if __name__ == "__main__":
    main()
