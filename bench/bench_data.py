"""tf.data benchmarks, tapeflow vs plain NumPy and TF 2.15's tf.data.

1. One epoch of from_tensor_slices((x, y)).shuffle(1024).batch(64).prefetch(2) over
   x[60000x784] float32, next to NumPy permutation indexing (target <= 3x).
2. One epoch of from_tensor_slices((uint8 images[60000x28x28], labels)).shuffle(1024)
   .map(cast/255).batch(64).prefetch(2) (the vectorized map), next to NumPy
   permutation indexing + cast/255 and tf.data (targets: <= 0.5x tf.data, <= 5x NumPy).
3. TFRecord read + parse of 100k small tf.train.Examples (4 floats + 1 int64):
   TFRecordDataset(f).batch(1000).map(parse_example) and
   TFRecordDataset(f).map(parse_single_example).batch(1000), next to tf.data; each
   contender in its own process, after one warm-up pass; plus files of varying record
   lengths and 20k raw 28x28 images parsed with decode_raw.

    python bench/bench_data.py [--repeats 5] [--suite all|float|image|tfrecord]

TF runs in its own process (the peer venv /work/peers/tf, or TF_PYTHON) when the
main environment has no tensorflow. Prints median epoch times and ratios.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
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


def median_time(fn, repeats, expected=N):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - t)
        assert n == expected, n
    return statistics.median(times)


def float_suite(repeats):
    rng = np.random.default_rng(0)
    x = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, 10, N).astype(np.uint8)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(BUFFER).batch(BATCH).prefetch(2)
    tapeflow_epoch(ds)  # warm up
    t_np = median_time(lambda: numpy_epoch(x, y, rng), repeats)
    t_tf = median_time(lambda: tapeflow_epoch(ds), repeats)
    print("1. shuffle.batch of float32[60000x784]")
    print(f"numpy permutation indexing : {t_np * 1e3:8.1f} ms/epoch")
    print(f"tapeflow.data              : {t_tf * 1e3:8.1f} ms/epoch  ({t_tf / t_np:.2f}x numpy)")
    t_real = _peer(f"""
        x = rng.random(({N}, {D}), dtype=np.float32)
        y = rng.integers(0, 10, {N}).astype(np.uint8)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle({BUFFER}).batch({BATCH}).prefetch(2)
        fn = lambda: sum(int(b[0].shape[0]) for b in ds)
        """, repeats)
    if t_real is not None:
        print(f"tensorflow tf.data         : {t_real * 1e3:8.1f} ms/epoch  "
              f"({t_real / t_np:.2f}x numpy)")


def image_suite(repeats):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (N, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, N).astype(np.uint8)

    def np_epoch():
        perm = rng.permutation(N)
        n = 0
        for i in range(0, N, BATCH):
            idx = perm[i:i + BATCH]
            xb, yb = x[idx].astype(np.float32) / 255.0, y[idx]
            n += len(xb) + 0 * len(yb)
        return n
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(BUFFER).map(
        lambda a, b: (tf.cast(a, tf.float32) / 255.0, b)).batch(BATCH).prefetch(2)
    tapeflow_epoch(ds)  # warm up (compiles the vectorized map)
    t_np = median_time(np_epoch, repeats)
    t_tf = median_time(lambda: tapeflow_epoch(ds), repeats)
    print("2. uint8 images: shuffle.map(cast/255).batch(64).prefetch(2)")
    print(f"numpy indexing + cast/255  : {t_np * 1e3:8.1f} ms/epoch")
    print(f"tapeflow.data              : {t_tf * 1e3:8.1f} ms/epoch  ({t_tf / t_np:.2f}x numpy)")
    t_real = _peer(f"""
        x = rng.integers(0, 256, ({N}, 28, 28), dtype=np.uint8)
        y = rng.integers(0, 10, {N}).astype(np.uint8)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle({BUFFER}).map(
            lambda a, b: (tf.cast(a, tf.float32) / 255.0, b)).batch({BATCH}).prefetch(2)
        fn = lambda: sum(int(b[0].shape[0]) for b in ds)
        fn()
        """, repeats)
    if t_real is not None:
        print(f"tensorflow tf.data         : {t_real * 1e3:8.1f} ms/epoch  "
              f"({t_tf / t_real:.2f}x: tapeflow / tf.data)")


RECORDS = 100_000
SPEC = """
spec = {"x": tf.io.FixedLenFeature([4], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}
bspec = {"x": tf.io.FixedLenFeature([], tf.string), "y": tf.io.FixedLenFeature([], tf.int64)}
"""
PIPELINES = {  # name -> the pipeline text, run unchanged by tapeflow and by TF
    "batch(1000).map(parse_example)": """
ds = tf.data.TFRecordDataset(PATH).batch(1000).map(lambda s: tf.io.parse_example(s, spec))
fn = lambda: sum(int(b["y"].shape[0]) for b in ds)
""",
    "map(parse_single_example).batch(1000)": """
ds = tf.data.TFRecordDataset(PATH).map(lambda s: tf.io.parse_single_example(s, spec)).batch(1000)
fn = lambda: sum(int(b["y"].shape[0]) for b in ds)
""",
}


IMAGES = 20_000
IMAGE_PIPELINE = """
ispec = {"img": tf.io.FixedLenFeature([], tf.string), "y": tf.io.FixedLenFeature([], tf.int64)}
def parse(s):
    d = tf.io.parse_single_example(s, ispec)
    img = tf.reshape(tf.io.decode_raw(d["img"], tf.uint8), [28, 28])
    return tf.cast(img, tf.float32) / 255.0, d["y"]
ds = tf.data.TFRecordDataset(PATH).map(parse).batch(64)
fn = lambda: sum(int(b[1].shape[0]) for b in ds)
"""


def _write_examples(path, labels):
    with tf.io.TFRecordWriter(path) as w:
        for i in range(RECORDS):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, 1.0, 2.0, 3.0])),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(labels[i])]))}),
            ).SerializeToString())


def tfrecord_suite(repeats):
    path = os.path.join(tempfile.mkdtemp(), "examples.tfrecord")
    _write_examples(path, np.arange(RECORDS) % 10)
    mixed = os.path.join(tempfile.mkdtemp(), "mixed.tfrecord")  # labels of 1- and 2-byte varints
    _write_examples(mixed, np.random.default_rng(0).integers(0, 1000, RECORDS))
    print(f"3. TFRecord read + parse of {RECORDS} Examples (4 floats + 1 int64 each)")
    varied = os.path.join(tempfile.mkdtemp(), "varied.tfrecord")  # bytes of 50..499 bytes
    rng = np.random.default_rng(1)
    with tf.io.TFRecordWriter(varied) as w:
        for i in range(RECORDS):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(bytes_list=tf.train.BytesList(value=[bytes(
                    rng.integers(0, 256, int(rng.integers(50, 500))).astype(np.uint8))])),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10]))}),
            ).SerializeToString())
    cases = [(name, path, text) for name, text in PIPELINES.items()]
    cases.append(("labels 0..999 (2 record lengths), batch.map", mixed,
                  PIPELINES["batch(1000).map(parse_example)"]))
    cases.append(("bytes of 50..499 B (450 lengths), batch.map", varied,
                  PIPELINES["batch(1000).map(parse_example)"].replace("spec", "bspec")))
    images = os.path.join(tempfile.mkdtemp(), "images.tfrecord")  # MNIST-like raw bytes
    with tf.io.TFRecordWriter(images) as w:
        for i in range(IMAGES):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "img": tf.train.Feature(bytes_list=tf.train.BytesList(value=[bytes(
                    rng.integers(0, 256, 784).astype(np.uint8))])),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10]))}),
            ).SerializeToString())
    cases = [(name, file, text, RECORDS) for name, file, text in cases]
    cases.append((f"{IMAGES} raw 28x28 images: map(parse+decode_raw+cast/255).batch(64)",
                  images, IMAGE_PIPELINE, IMAGES))
    for name, file, text, n in cases:
        t_tf = _own_process(f"PATH = {file!r}\n" + SPEC + text, repeats, n)
        t_real = _peer(f"PATH = {file!r}\n" + SPEC + text, repeats, n)
        print(f"{name:44s} tapeflow.data {t_tf * 1e3:8.1f} ms", end="")
        if t_real is not None:
            print(f"   tf.data {t_real * 1e3:8.1f} ms   ({t_tf / t_real:.2f}x: tapeflow / tf.data)")
        else:
            print()


def _own_process(setup, repeats, n):
    """Median time of `fn` defined by `setup`, run under tapeflow in its own process."""
    return _timed([sys.executable], "import tapeflow as tf\n" + textwrap.dedent(setup),
                  repeats, n)


def _peer(setup, repeats, n=N):
    """Median time of `fn` defined by `setup`, run under TF in its own process."""
    python = os.environ.get("TF_PYTHON", "/work/peers/tf/bin/python")
    if not os.path.exists(python):
        print("tensorflow (tf.data)       :   not installed, skipped")
        return None
    return _timed([python], 'os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\nimport tensorflow as tf\n'
                  + textwrap.dedent(setup), repeats, n)


def _timed(python, setup, repeats, n):
    code = textwrap.dedent("""
        import os, statistics, time
        import numpy as np
        rng = np.random.default_rng(0)
        """) + setup + textwrap.dedent(f"""
        fn()  # warm up (compiles, first reads)
        times = []
        for _ in range({repeats}):
            t = time.perf_counter()
            assert fn() == {n}
            times.append(time.perf_counter() - t)
        print(statistics.median(times))
        """)
    out = subprocess.run(python + ["-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--suite", default="all", choices=["all", "float", "image", "tfrecord"])
    args = ap.parse_args()
    for name, suite in (("float", float_suite), ("image", image_suite),
                        ("tfrecord", tfrecord_suite)):
        if args.suite in ("all", name):
            suite(args.repeats)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
