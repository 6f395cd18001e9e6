"""Per-call costs of a small Keras model, side by side (issue: engine fidelity).

Model: Dense(32, relu) -> Dense(3) on 20 features. Each contender runs in its own process:
tapeflow, Keras 3 (JAX backend), tf-keras 2.x (TF_PYTHON, default /work/peers/tf/bin/python)
and PyTorch (TORCH_PYTHON, default /work/peers/torch/bin/python); peers that are missing
are skipped.

    python bench/bench_percall.py

Measures, per contender:
- predict_one:  20 predict() calls on one input length (after a warm-up call);
- predict_many: 20 predict() calls on 20 new lengths (101..120 rows, batch 32);
  the ratio many/one shows what a new length costs (a compile per length shows here);
- fit_one / fit_many: the same for 20 fit() calls (one epoch, batch 32; the many are on
  101..120 rows, so each has a new remainder batch);
- call_vs_raw:  eager model(x) on (32, 20) over the same forward as raw eager ops of the
  contender's own array library (jnp for tapeflow/Keras 3, tf ops, torch ops): the best
  of 40 interleaved rounds of 20 calls each (robust on a shared box);
- rss_growth:   MiB of resident memory gained over 60 rounds of fit + predict on
  100..277 rows (a new length each round).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = {"tf-keras": os.environ.get("TF_PYTHON", "/work/peers/tf/bin/python"),
         "pytorch": os.environ.get("TORCH_PYTHON", "/work/peers/torch/bin/python")}


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def data():
    import numpy as np
    rng = np.random.default_rng(0)
    return rng.random((400, 20), dtype=np.float32), rng.random((400, 3), dtype=np.float32)


def timed(fn, n=20):
    t = time.perf_counter()
    for i in range(n):
        fn(i)
    return time.perf_counter() - t


def best_ratio(call, raw, rounds=40, n=20):
    """min time per call of `call` over min of `raw`, rounds interleaved."""
    best_c = best_r = float("inf")
    for _ in range(rounds):
        best_c = min(best_c, timed(call, n) / n)
        best_r = min(best_r, timed(raw, n) / n)
    return best_c / best_r


def keras_like(keras, np_forward):
    """Measurements for a Keras API (tapeflow, Keras 3, tf-keras)."""
    x, y = data()
    m = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(3)])
    m.compile("adam", "mse")
    m.predict(x[:100], verbose=0)
    one = timed(lambda i: m.predict(x[:100], verbose=0))
    many = timed(lambda i: m.predict(x[:101 + i], verbose=0))
    m.fit(x[:100], y[:100], batch_size=32, verbose=0)
    fit_one = timed(lambda i: m.fit(x[:100], y[:100], batch_size=32, verbose=0))
    fit_many = timed(lambda i: m.fit(x[:101 + i], y[:101 + i], batch_size=32, verbose=0))
    xb = x[:32]
    w = [v.numpy() if hasattr(v, "numpy") else v for v in m.get_weights()]
    fwd = np_forward(w)
    m(xb), fwd(xb)
    ratio = best_ratio(lambda i: m(xb), lambda i: fwd(xb))
    m.fit(x[:64], y[:64], verbose=0)
    r0 = rss_mib()
    for i in range(60):
        n = 100 + 3 * i
        m.fit(x[:n], y[:n], batch_size=32, verbose=0)
        m.predict(x[:n], verbose=0)
    return {"predict_one": one, "predict_many": many, "call_vs_raw": ratio,
            "fit_one": fit_one, "fit_many": fit_many, "rss_growth": rss_mib() - r0}


def jnp_forward(w):
    """The model's forward as eager jnp ops (arrays on the device, input from NumPy)."""
    import jax.numpy as jnp
    w = [jnp.asarray(a) for a in w]

    def forward(x):
        return jnp.maximum(jnp.asarray(x) @ w[0] + w[1], 0) @ w[2] + w[3]
    return forward


def run_tapeflow():
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    from tapeflow import keras
    return keras_like(keras, jnp_forward)


def run_keras3():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras
    return keras_like(keras, jnp_forward)


def run_tf_keras():
    import tensorflow as tf
    def forward(w):
        w = [tf.constant(a) for a in w]
        return lambda x: tf.matmul(tf.nn.relu(tf.matmul(x, w[0]) + w[1]), w[2]) + w[3]
    return keras_like(tf.keras, forward)


def run_pytorch():
    import numpy as np
    import torch
    x, y = data()
    m = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3))
    opt = torch.optim.Adam(m.parameters())

    def predict(a):
        with torch.no_grad():
            return np.concatenate([m(torch.from_numpy(a[i:i + 32])).numpy()
                                   for i in range(0, len(a), 32)])

    def fit(a, b):
        for i in range(0, len(a), 32):
            opt.zero_grad()
            loss = ((m(torch.from_numpy(a[i:i + 32])) - torch.from_numpy(b[i:i + 32])) ** 2).mean()
            loss.backward()
            opt.step()
    predict(x[:100])
    one = timed(lambda i: predict(x[:100]))
    many = timed(lambda i: predict(x[:101 + i]))
    fit(x[:100], y[:100])
    fit_one = timed(lambda i: fit(x[:100], y[:100]))
    fit_many = timed(lambda i: fit(x[:101 + i], y[:101 + i]))
    w = [p.detach() for p in m.parameters()]
    xb = torch.from_numpy(x[:32])

    def raw(a):
        return torch.relu(a @ w[0].T + w[1]) @ w[2].T + w[3]
    with torch.no_grad():
        ratio = best_ratio(lambda i: m(xb), lambda i: raw(xb))
    fit(x[:64], y[:64])
    r0 = rss_mib()
    for i in range(60):
        n = 100 + 3 * i
        fit(x[:n], y[:n])
        predict(x[:n])
    return {"predict_one": one, "predict_many": many, "call_vs_raw": ratio,
            "fit_one": fit_one, "fit_many": fit_many, "rss_growth": rss_mib() - r0}


RUNNERS = {"tapeflow": run_tapeflow, "keras3-jax": run_keras3, "tf-keras": run_tf_keras,
           "pytorch": run_pytorch}


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(RUNNERS[sys.argv[2]]()))
        return
    rows = {}
    for name in RUNNERS:
        python = PEERS.get(name, sys.executable)
        if not os.path.exists(python):
            print(f"{name}: skipped ({python} not found)")
            continue
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        p = subprocess.run([python, __file__, "--child", name], capture_output=True, text=True,
                           env=env)
        line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
        if not line:
            print(f"{name}: failed\n{p.stderr[-2000:]}")
            continue
        rows[name] = json.loads(line[0][7:])
    print(f"{'contender':12} {'predict many/one':>17} {'fit many/one':>13} "
          f"{'model(x)/raw':>13} {'RSS growth MiB':>15}")
    for name, r in rows.items():
        print(f"{name:12} {r['predict_many'] / r['predict_one']:17.2f} "
              f"{r['fit_many'] / r['fit_one']:13.2f} {r['call_vs_raw']:13.2f} "
              f"{r['rss_growth']:15.1f}")


if __name__ == "__main__":
    main()
