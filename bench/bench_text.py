"""TextVectorization.adapt + call on 50k short sentences: tapeflow next to TensorFlow.

    python bench/bench_text.py [--repeats 3]

Each contender runs in its own process (TensorFlow through the peer interpreter at
$TAPEFLOW_TF_PYTHON, default /work/peers/tf/bin/python, skipped when absent) on the same
deterministic corpus: 50 000 sentences of 4-14 words drawn Zipf-like from 5 000 made-up
words, with capitals and punctuation. Timed (median of the repeats): `adapt` with
`max_tokens=20000, output_sequence_length=16` (batch_size=4096), then one call on all
sentences in "int" mode, and the same for a `tf_idf` layer (a dense 50 000 x 2 491
float32 result in both libraries: 2 490 distinct words occur, plus the OOV column).
The call is timed until its result exists (TF's eager tensor; tapeflow's array, waited
for when jax holds it), without copying it out; "read"
then times one NumPy pass over the whole tf_idf result in place (TF's big tensors and
tapeflow's host array are both viewed without a copy), which also pays for any pages the
call left unmapped.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

N = 50_000


def corpus():
    rng = np.random.default_rng(0)
    syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "dra", "qu", "zen"]
    words = ["".join(rng.choice(syll, rng.integers(1, 4))) + str(i % 7) for i in range(5000)]
    p = 1.0 / np.arange(1, 5001)
    p /= p.sum()
    out = []
    lengths = rng.integers(4, 15, N)
    picks = rng.choice(5000, int(lengths.sum()), p=p)
    pos = 0
    for n in lengths:
        ws = [words[j] for j in picks[pos:pos + n]]
        pos += n
        ws[0] = ws[0].capitalize()
        out.append(" ".join(ws) + (", " if n % 3 else "! ") + "Done.")
    return out


def run(layers, to_input, repeats):
    text = corpus()
    data = to_input(text)
    res = {}
    for mode, kw in (("int", dict(output_sequence_length=16)), ("tf_idf", {})):
        adapt_t, call_t, read_t = [], [], []
        for _ in range(repeats):
            layer = layers.TextVectorization(max_tokens=20000, output_mode=mode, **kw)
            t = time.perf_counter()
            layer.adapt(data, batch_size=4096)
            adapt_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            out = layer(data)
            value = getattr(out, "_value", None)  # a tapeflow Tensor on jax: wait for it
            if hasattr(value, "block_until_ready"):
                value.block_until_ready()
            call_t.append(time.perf_counter() - t)
            if mode == "tf_idf":  # one pass over the result's memory, no copy in either
                t = time.perf_counter()
                np.asarray(out if value is None else value).sum()
                read_t.append(time.perf_counter() - t)
            del out, value
        res[mode] = {"adapt": statistics.median(adapt_t), "call": statistics.median(call_t),
                     "vocab": len(layer.get_vocabulary())}
        if read_t:
            res[mode]["read"] = statistics.median(read_t)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--contender", choices=["tapeflow", "tf"], default=None)
    args = ap.parse_args()
    if args.contender == "tf":
        import tensorflow as tf
        print(json.dumps(run(tf.keras.layers, lambda t: tf.constant(t), args.repeats)))
        return
    if args.contender == "tapeflow":
        import tapeflow as tf
        from tapeflow import keras
        print(json.dumps(run(keras.layers, lambda t: tf.constant(t),
                             args.repeats)))
        return
    results = {}
    for name, python in (("tapeflow", sys.executable),
                         ("tf", os.environ.get("TAPEFLOW_TF_PYTHON",
                                               "/work/peers/tf/bin/python"))):
        if not os.path.exists(python):
            print(f"{name}: skipped (no interpreter at {python})")
            continue
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        out = subprocess.run([python, __file__, "--contender", name, "--repeats",
                              str(args.repeats)], capture_output=True, text=True, env=env)
        if out.returncode:
            print(f"{name}: failed\n{out.stderr[-2000:]}")
            continue
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    for mode in ("int", "tf_idf"):
        for step in ("adapt", "call", "read"):
            row = {k: v[mode][step] for k, v in results.items() if step in v[mode]}
            if not row:
                continue
            line = "  ".join(f"{k} {v * 1e3:8.1f} ms" for k, v in row.items())
            ratio = f"  (tapeflow/TF {row['tapeflow'] / row['tf']:.2f}x)" if len(row) == 2 \
                else ""
            print(f"{mode:7s} {step:6s} {line}{ratio}")
    if len(results) == 2:
        for mode in ("int", "tf_idf"):
            assert results["tapeflow"][mode]["vocab"] == results["tf"][mode]["vocab"], mode


if __name__ == "__main__":
    main()
