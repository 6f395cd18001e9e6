"""Recurrent and attention training speed: tapeflow vs Keras 3/JAX, tf-keras and PyTorch.

Two models, trained with Adam on random token sequences (length 80, vocabulary
1000, batch 64, binary labels):

- lstm: Embedding(1000, 64) -> LSTM(64) -> Dense(1)
- mha:  Embedding(1000, 64) -> MultiHeadAttention(4 heads, key_dim 16)(x, x)
        -> Flatten -> Dense(1)

Each contender runs in its own process (tapeflow and Keras 3 in this Python,
tf-keras in /work/peers/tf, PyTorch in /work/peers/torch; missing ones are
skipped). One warm-up epoch (compiles), then the median of the timed epochs,
in seconds per epoch. Also: an eager tapeflow LSTM(64) call on (32, 80, 64)
against the same call inside tf.function.

    python bench/bench_rnn.py [--samples 10000] [--epochs 2] [--kinds lstm,mha]
                              [--only tapeflow,keras3,tf-keras,pytorch] [--no-eager]
"""
import argparse
import json
import os
import subprocess
import sys
import time

PEERS = {"tf-keras": "/work/peers/tf/bin/python", "pytorch": "/work/peers/torch/bin/python"}
VOCAB, LENGTH, BATCH, DIM = 1000, 80, 64, 64


def _data(samples):
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(samples, LENGTH)).astype("int32")
    y = (x[:, :10].mean(1) > VOCAB / 2).astype("float32")[:, None]
    return x, y


def _keras_model(k, kind):
    inp = k.Input((LENGTH,))
    h = k.layers.Embedding(VOCAB, DIM)(inp)
    if kind == "lstm":
        h = k.layers.LSTM(DIM)(h)
    else:
        h = k.layers.Flatten()(k.layers.MultiHeadAttention(4, 16)(h, h))
    model = k.Model(inp, k.layers.Dense(1)(h))
    model.compile(k.optimizers.Adam(1e-3), "mse")
    return model


def _time_keras(k, kind, samples, epochs):
    x, y = _data(samples)
    model = _keras_model(k, kind)
    times = []
    for _ in range(epochs + 1):
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
        times.append(time.perf_counter() - t0)
    return times


def _time_torch(kind, samples, epochs):
    import torch
    torch.set_num_threads(os.cpu_count())
    x, y = _data(samples)
    x, y = torch.from_numpy(x).long(), torch.from_numpy(y)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(VOCAB, DIM)
            if kind == "lstm":
                self.rnn = torch.nn.LSTM(DIM, DIM, batch_first=True)
                self.out = torch.nn.Linear(DIM, 1)
            else:
                self.att = torch.nn.MultiheadAttention(DIM, 4, batch_first=True)
                self.out = torch.nn.Linear(LENGTH * DIM, 1)

        def forward(self, ids):
            h = self.emb(ids)
            if kind == "lstm":
                return self.out(self.rnn(h)[0][:, -1])
            a = self.att(h, h, h, need_weights=False)[0]
            return self.out(a.reshape(a.shape[0], -1))
    net = Net()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    times = []
    for _ in range(epochs + 1):
        t0 = time.perf_counter()
        for i in range(0, samples, BATCH):
            opt.zero_grad()
            loss = torch.mean((net(x[i:i + BATCH]) - y[i:i + BATCH]) ** 2)
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    return times


def _eager_vs_compiled():
    import numpy as np

    import tapeflow as tf
    from tapeflow import keras
    layer = keras.layers.LSTM(DIM)
    x = tf.constant(np.random.default_rng(0).normal(size=(32, LENGTH, DIM)).astype("f4"))
    compiled = tf.function(lambda v: layer(v))

    def best(fn, n=20):
        fn(x).numpy()
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn(x).numpy()
            out.append(time.perf_counter() - t0)
        return min(out)
    eager = best(layer)
    comp = best(compiled)
    return {"eager_ms": eager * 1e3, "compiled_ms": comp * 1e3, "ratio": eager / comp}


def _child(name, kind, samples, epochs):
    if name == "tapeflow":
        from tapeflow import keras
        return _time_keras(keras, kind, samples, epochs)
    if name == "keras3":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras
        return _time_keras(keras, kind, samples, epochs)
    if name == "tf-keras":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tf_keras
        return _time_keras(tf_keras, kind, samples, epochs)
    if name == "pytorch":
        return _time_torch(kind, samples, epochs)
    if name == "eager":
        return _eager_vs_compiled()
    raise ValueError(name)


def _run(name, kind, args):
    python = PEERS.get(name, sys.executable)
    if not os.path.exists(python):
        return None
    cmd = [python, os.path.abspath(__file__), "--child", name, "--kind", kind,
           "--samples", str(args.samples), "--epochs", str(args.epochs)]
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "..", "src"))
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(f"  {name}/{kind} failed: {done.stderr.strip()[-400:]}")
        return None
    return json.loads(lines[-1][7:])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--child")
    p.add_argument("--kind", default="lstm")
    p.add_argument("--only", default="tapeflow,keras3,tf-keras,pytorch")
    p.add_argument("--kinds", default="lstm,mha")
    p.add_argument("--no-eager", action="store_true")
    args = p.parse_args()
    if args.child:
        print("RESULT " + json.dumps(_child(args.child, args.kind, args.samples, args.epochs)))
        return
    import statistics
    for kind in args.kinds.split(","):
        rows = {}
        for name in args.only.split(","):
            times = _run(name, kind, args)
            if times is None:
                print(f"{kind:5s} {name:9s} skipped")
                continue
            rows[name] = statistics.median(times[1:])
            print(f"{kind:5s} {name:9s} {rows[name]:.2f} s/epoch (warm-up epoch "
                  f"{times[0]:.2f} s)", flush=True)
        base = rows.get("tapeflow")
        if base:
            print("      ratios tapeflow / other: " + ", ".join(
                f"{n} {base / v:.2f}x" for n, v in rows.items() if n != "tapeflow"))
    eager = None if args.no_eager else _run("eager", "lstm", args)
    if eager:
        print(f"eager LSTM call (32, 80, 64): {eager['eager_ms']:.1f} ms, compiled "
              f"{eager['compiled_ms']:.1f} ms, eager/compiled {eager['ratio']:.2f}x")


if __name__ == "__main__":
    main()
