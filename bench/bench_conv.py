"""fit() of the Keras-examples MNIST convnet: tapeflow vs jax.jit, Keras 3/JAX, tf-keras, PyTorch.

Model: Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2)
-> Flatten -> Dropout(0.5) -> Dense(10, softmax); categorical cross-entropy, Adam(1e-3),
batch 128, one epoch over the 10k shipped MNIST images (28x28x1, shuffled).

    python bench/bench_conv.py [--repeats 1] [--only tapeflow,jax,...]

Each contender runs in its own subprocess (one after another, interleaved per repeat):
`tapeflow`, `tapeflow_lax` (tapeflow with its XLA:CPU conv and max-pool-gradient
lowerings switched off, i.e. every convolution through lax.conv_general_dilated and
max-pool gradients through select-and-scatter, as jax does), `jax` (a hand-written jax.jit train
step with lax convolutions), `keras3` (Keras 3, JAX backend), `tf_keras` (TensorFlow 2.15's
tf.keras, run with /work/peers/tf/bin/python) and `torch` (/work/peers/torch/bin/python).
A warm-up fit on 144 images (one full and one partial batch) compiles first; the timed
figure is the next full epoch. Missing peers are skipped.
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
SRC = os.path.join(HERE, "..", "src")
DATA = os.path.join(SRC, "tapeflow", "keras", "datasets", "_data")
BATCH, WARM = 128, 144
PEERS = {"tf_keras": "/work/peers/tf/bin/python", "torch": "/work/peers/torch/bin/python"}


def load_data():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype("int64")
    return x.astype("float32") / 255.0, y


def one_hot(y):
    return np.eye(10, dtype="float32")[y]


def keras_like(keras, layers, x, y):
    """Warm-up fit, then the timed epoch, for any Keras-API library."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    yy = one_hot(y)
    model.fit(x[:WARM], yy[:WARM], batch_size=BATCH, epochs=1, verbose=0)
    start = time.perf_counter()
    hist = model.fit(x, yy, batch_size=BATCH, epochs=1, verbose=0)
    return time.perf_counter() - start, float(hist.history["accuracy"][-1])


def run_tapeflow(x, y, lax_only=False):
    sys.path.insert(0, SRC)
    from tapeflow import keras
    if lax_only:
        from tapeflow.ops import conv_lowering, pool_lowering
        conv_lowering.PATCH_BYTES, conv_lowering.FEW_CHANNELS = 0, 0
        pool_lowering.ENABLED = False
    return keras_like(keras, keras.layers, x, y)


def run_keras3(x, y):
    os.environ["KERAS_BACKEND"] = "jax"
    import keras
    return keras_like(keras, keras.layers, x, y)


def run_tf_keras(x, y):
    import tensorflow as tf
    return keras_like(tf.keras, tf.keras.layers, x, y)


def run_jax(x, y):
    import jax
    import jax.numpy as jnp
    from jax import lax

    rng = np.random.default_rng(0)

    def glorot(shape, fan_in, fan_out):
        lim = np.sqrt(6.0 / (fan_in + fan_out))
        return jnp.asarray(rng.uniform(-lim, lim, shape).astype("float32"))
    params = [glorot((3, 3, 1, 32), 9, 288), jnp.zeros(32), glorot((3, 3, 32, 64), 288, 576),
              jnp.zeros(64), glorot((1600, 10), 1600, 10), jnp.zeros(10)]
    dn = ("NHWC", "HWIO", "NHWC")

    def pool(h):
        return lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def loss_fn(p, xb, yb, key):
        h = pool(jax.nn.relu(lax.conv_general_dilated(xb, p[0], (1, 1), "VALID",
                                                      dimension_numbers=dn) + p[1]))
        h = pool(jax.nn.relu(lax.conv_general_dilated(h, p[2], (1, 1), "VALID",
                                                      dimension_numbers=dn) + p[3]))
        h = h.reshape(h.shape[0], -1)
        keep = jax.random.bernoulli(key, 0.5, h.shape)
        h = jnp.where(keep, h / 0.5, 0.0)
        logp = jax.nn.log_softmax(h @ p[4] + p[5])
        return -jnp.mean(jnp.sum(yb * logp, axis=1))

    @jax.jit
    def step(state, xb, yb, key):
        p, m, v, t = state
        g = jax.grad(loss_fn)(p, xb, yb, key)
        t = t + 1
        lr = 1e-3 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        m = [a + (b - a) * 0.1 for a, b in zip(m, g)]
        v = [a + (b * b - a) * 0.001 for a, b in zip(v, g)]
        p = [a - mm * lr / (jnp.sqrt(vv) + 1e-7) for a, mm, vv in zip(p, m, v)]
        return p, m, v, t

    def epoch(state, xs, ys, seed):
        perm = np.random.default_rng(seed).permutation(len(xs))
        key = jax.random.PRNGKey(seed)
        for i in range(0, len(xs), BATCH):
            idx = perm[i:i + BATCH]
            key, sub = jax.random.split(key)
            state = step(state, xs[idx], ys[idx], sub)
        jax.block_until_ready(state[0])
        return state

    yy = one_hot(y)
    zeros = [jnp.zeros_like(a) for a in params]
    state = (params, zeros, [jnp.zeros_like(a) for a in params], jnp.zeros((), jnp.float32))
    state = epoch(state, x[:WARM], yy[:WARM], 0)
    start = time.perf_counter()
    epoch(state, x, yy, 1)
    return time.perf_counter() - start, float("nan")


def run_torch(x, y):
    import torch
    from torch import nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.5), nn.Linear(1600, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(y)

    def epoch(n, seed):
        g = torch.Generator().manual_seed(seed)
        perm = torch.randperm(n, generator=g)
        correct = 0
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            out = model(xt[idx])
            loss = nn.functional.cross_entropy(out, yt[idx])
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == yt[idx]).sum())
        return correct / n
    model.train()
    epoch(WARM, 0)
    start = time.perf_counter()
    acc = epoch(len(x), 1)
    return time.perf_counter() - start, acc


RUNNERS = {"tapeflow": run_tapeflow, "tapeflow_lax": lambda x, y: run_tapeflow(x, y, True),
           "jax": run_jax, "keras3": run_keras3, "tf_keras": run_tf_keras, "torch": run_torch}


def run_child(name):
    x, y = load_data()
    seconds, acc = RUNNERS[name](x, y)
    print(json.dumps({"name": name, "seconds": seconds, "accuracy": acc}))


def launch(name):
    python = PEERS.get(name, sys.executable)
    if not os.path.exists(python):
        return None
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([python, os.path.abspath(__file__), "--child", name],
                          capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", default=",".join(RUNNERS))
    args = parser.parse_args()
    if args.child:
        return run_child(args.child)
    names = args.only.split(",")
    results = {n: [] for n in names}
    for _ in range(args.repeats):
        for name in names:
            r = launch(name)
            if r is None:
                print(f"{name:13s} skipped (not installed or failed)", flush=True)
                continue
            results[name].append(r["seconds"])
            print(f"{name:13s} {r['seconds']:7.2f} s/epoch  train acc {r['accuracy']:.3f}",
                  flush=True)
    best = {n: min(v) for n, v in results.items() if v}
    print("\nbest s/epoch and ratios (tapeflow / other):")
    for name, sec in best.items():
        ratio = best["tapeflow"] / sec if "tapeflow" in best else float("nan")
        print(f"  {name:13s} {sec:7.2f} s   tapeflow/{name} = {ratio:.2f}x")


if __name__ == "__main__":
    main()
