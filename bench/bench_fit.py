"""fit() on the spec's MNIST MLP vs a hand-written jax.jit loop (and peers when installed).

Model: 784-256-256-10 (ReLU), Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True),
batch 64, one epoch of 60,000 samples (the shipped 10k MNIST test set tiled x6), shuffled.

    python bench/bench_fit.py [--repeats 3] [--epochs 1]

Each contender runs in its own subprocess (interleaved per repeat); prints seconds per
epoch (after a warm-up that compiles every batch shape), ratios to the raw jax.jit loop
and to Keras 3 (JAX backend), and each contender's peak RSS. Keras 3 and PyTorch runs
are skipped when not installed.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

BATCH = 64


def load_data():
    """60,000 x 784 float32 images (the shipped 10k MNIST test set tiled x6) and labels.

    Read with gzip + NumPy, so a peer's process never imports tapeflow (which turns on
    jax_enable_x64) just to get the data.
    """
    import gzip
    root = os.path.join(os.path.dirname(__file__), "..", "src", "tapeflow", "keras", "datasets",
                        "_data")
    with gzip.open(os.path.join(root, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(root, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    x = x.astype("float32") / 255.0
    return np.tile(x, (6, 1)), np.tile(y.astype("int64"), 6)


def init_params(seed=0):
    rng = np.random.default_rng(seed)

    def glorot(i, o):
        lim = np.sqrt(6.0 / (i + o))
        return rng.uniform(-lim, lim, (i, o)).astype("float32")
    return [glorot(784, 256), np.zeros(256, "float32"), glorot(256, 256),
            np.zeros(256, "float32"), glorot(256, 10), np.zeros(10, "float32")]


# -- raw jax.jit loop ------------------------------------------------------------
def make_jax_loop():
    import jax
    import jax.numpy as jnp

    def loss_fn(params, x, y):
        w1, b1, w2, b2, w3, b3 = params
        h = jax.nn.relu(x @ w1 + b1)
        h = jax.nn.relu(h @ w2 + b2)
        logits = h @ w3 + b3
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    def step(state, x, y):
        params, m, v, t = state
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        t = t + 1
        lr = 1e-3 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        m = [mi + (g - mi) * 0.1 for mi, g in zip(m, grads)]
        v = [vi + (g * g - vi) * 0.001 for vi, g in zip(v, grads)]
        params = [p - mi * lr / (jnp.sqrt(vi) + 1e-7) for p, mi, vi in zip(params, m, v)]
        return (params, m, v, t), loss

    jstep = jax.jit(step, donate_argnums=(0,))

    def run_epoch(state, x, y):
        perm = np.random.permutation(len(x))
        xs, ys = x[perm], y[perm]
        loss = None
        for i in range(0, len(xs), BATCH):
            state, loss = jstep(state, xs[i:i + BATCH], ys[i:i + BATCH])
        jax.block_until_ready(loss)
        return state

    def fresh():
        p = [jnp.asarray(a) for a in init_params()]
        return (p, [jnp.zeros_like(a) for a in p], [jnp.zeros_like(a) for a in p],
                jnp.zeros((), jnp.float32))
    return fresh, run_epoch


def bench_jax(x, y, repeats, epochs):
    fresh, run_epoch = make_jax_loop()
    state = run_epoch(fresh(), x[:BATCH + 32], y[:BATCH + 32])  # compile both shapes
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(epochs):
            state = run_epoch(state, x, y)
        times.append((time.perf_counter() - t) / epochs)
    return times


# -- tapeflow fit ------------------------------------------------------------------
def bench_tapeflow(x, y, repeats, epochs, spe=1):
    from tapeflow import keras
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(10)])
    model.set_weights(init_params())
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()], steps_per_execution=spe)
    warm = BATCH * spe + BATCH + 32  # a full group, then a partial group with a short batch
    model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)
    times, hist = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        hist = model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0)
        times.append((time.perf_counter() - t) / epochs)
    return times, hist.history


# -- peers (optional) --------------------------------------------------------------------
def bench_keras3(x, y, repeats, backend):
    if importlib.util.find_spec("keras") is None:
        return None
    os.environ["KERAS_BACKEND"] = backend
    import keras
    if not keras.__version__.startswith("3"):
        return None
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["sparse_categorical_accuracy"])
    model.fit(x[:BATCH + 32], y[:BATCH + 32], batch_size=BATCH, verbose=0)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
        times.append(time.perf_counter() - t)
    return times


def bench_torch(x, y, repeats):
    if importlib.util.find_spec("torch") is None:
        return None
    import torch
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t)
    return times


CONTENDERS = {
    "raw jax.jit loop": lambda x, y, e: bench_jax(x, y, 1, e),
    "tapeflow fit()": lambda x, y, e: bench_tapeflow(x, y, 1, e)[0],
    "tapeflow fit(), steps_per_execution=8": lambda x, y, e: bench_tapeflow(x, y, 1, e, spe=8)[0],
    "Keras 3 (JAX)": lambda x, y, e: bench_keras3(x, y, 1, "jax"),
    "PyTorch": lambda x, y, e: bench_torch(x, y, 1),
}


def peak_rss_mb():
    """This process's peak resident set size in MiB (ru_maxrss is KiB on Linux)."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb():
    """This process's resident set size now, in MiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")) / 1024.0
    except (OSError, StopIteration):
        return 0.0


def run_one(name, epochs):
    """Child process: one warm-up + one timed epoch of one contender; prints a JSON line."""
    import jax  # every contender runs on jax (or torch); its import is not the contender's
    del jax
    x, y = load_data()
    base = rss_mb()  # interpreter, jax and the data: the same for every contender
    try:
        times = CONTENDERS[name](x, y, epochs)
        err = None if times is not None else "skipped (not installed)"
    except Exception as e:  # a broken optional install is reported, not fatal
        times, err = None, f"failed ({type(e).__name__}: {e})"
    print(json.dumps({"times": times, "rss": peak_rss_mb(), "base": base, "err": err}))


def spawn(name, epochs):
    env = dict(os.environ, KERAS_BACKEND="jax")
    out = subprocess.run([sys.executable, __file__, "--only", name, "--epochs", str(epochs)],
                         capture_output=True, text=True, env=env)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"times": None, "rss": 0.0, "err": f"crashed: {out.stderr[-300:]}"}
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--only", help="(internal) run one contender in this process")
    args = ap.parse_args()
    if args.only:
        return run_one(args.only, args.epochs)
    rows, rss, grow, errs = {}, {}, {}, {}
    for _ in range(args.repeats):  # interleave so machine load hits every contender alike
        for name in CONTENDERS:
            if name in errs:
                continue
            r = spawn(name, args.epochs)
            if r["err"]:
                errs[name] = r["err"]
                continue
            rows.setdefault(name, []).extend(r["times"])
            rss[name] = max(rss.get(name, 0.0), r["rss"])
            grow[name] = max(grow.get(name, 0.0), r["rss"] - r["base"])
    for name, err in errs.items():
        print(f"{name}: {err}")
    base = float(np.median(rows["raw jax.jit loop"]))
    peer = rows.get("Keras 3 (JAX)")
    kbase = float(np.median(peer)) if peer else None
    print(f"\nseconds per epoch (median of {args.repeats}, each run in its own process), "
          f"peak RSS, and its growth over the process after imports and data loading; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {'contender':42s} {'s/epoch':>8s} {'vs jax':>7s} {'vs K3':>6s} {'RSS MiB':>8s} "
          f"{'vs K3':>6s} {'growth':>7s} {'vs K3':>6s}")
    k3 = "Keras 3 (JAX)"
    for name, ts in rows.items():
        med = float(np.median(ts))
        kt = f"{med / kbase:5.2f}x" if kbase else "   - "
        kr = f"{rss[name] / rss[k3]:5.2f}x" if kbase else "   - "
        kg = f"{grow[name] / grow[k3]:5.2f}x" if kbase else "   - "
        print(f"  {name:42s} {med:8.3f} {med / base:6.2f}x {kt} {rss[name]:8.0f} {kr} "
              f"{grow[name]:7.0f} {kg}")


if __name__ == "__main__":
    main()
