"""tapeflow.function train step vs the same step hand-written with jax.jit.

A 784-256-256-10 MLP, batch 64, softmax cross-entropy, plain SGD:
  * tapeflow: tapeflow Variables, GradientTape, assign_sub, under @tf.function;
  * jax: jax.grad over a params pytree, jax.jit with donated params (tapeflow
    donates the written variables' buffers too).
Both run side by side in one process; prints per-step times, the ratio and
the trace+compile time of each (first call).

    python bench/bench_function.py
"""
import time

import jax
import jax.numpy as jnp
import numpy as np

import tapeflow as tf

SIZES = [784, 256, 256, 10]
BATCH = 64
LR = 0.01


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    ps = []
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        ps.append((rng.normal(0, (2 / a) ** 0.5, (a, b)).astype(np.float32),
                   np.zeros(b, np.float32)))
    return ps


def make_tapeflow_step(params):
    vs = [(tf.Variable(w), tf.Variable(b)) for w, b in params]
    flat = [v for pair in vs for v in pair]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            h = x
            for i, (w, b) in enumerate(vs):
                h = tf.matmul(h, w) + b
                if i < len(vs) - 1:
                    h = tf.maximum(h, 0.0)
            logp = h - tf.reduce_logsumexp(h, axis=1, keepdims=True)
            loss = -tf.reduce_mean(tf.reduce_sum(y * logp, axis=1))
        grads = tape.gradient(loss, flat)
        for v, g in zip(flat, grads):
            v.assign_sub(LR * g)
        return loss
    return step, flat


def make_jax_step():
    def loss_fn(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = jnp.maximum(h, 0.0)
        logp = h - jax.nn.logsumexp(h, axis=1, keepdims=True)
        return -jnp.mean(jnp.sum(y * logp, axis=1))

    def step(params, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        new = jax.tree_util.tree_map(lambda p, g: p - LR * g, params, grads)
        return new, loss
    return jax.jit(step, donate_argnums=(0,))


def _time(fn, n):
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main(steps=300, repeats=5):
    rng = np.random.default_rng(1)
    x_np = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    y_np = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)]
    params = init_params()
    warm = jnp.ones((SIZES[0], SIZES[1]), jnp.float32)  # device/BLAS start-up, paid by neither
    (warm @ warm.T).block_until_ready()

    tf_step, flat = make_tapeflow_step(params)
    x_t, y_t = tf.constant(x_np), tf.constant(y_np)
    t0 = time.perf_counter()
    tf_loss = tf_step(x_t, y_t)
    tf_loss.numpy()
    tf_compile = time.perf_counter() - t0

    jax_step = make_jax_step()
    jp = [(jnp.asarray(w), jnp.asarray(b)) for w, b in params]
    xj, yj = jnp.asarray(x_np), jnp.asarray(y_np)
    t0 = time.perf_counter()
    jp, jax_loss = jax_step(jp, xj, yj)
    jax_loss.block_until_ready()
    jax_compile = time.perf_counter() - t0
    assert abs(float(tf_loss) - float(jax_loss)) < 1e-4, (float(tf_loss), float(jax_loss))

    state = {"p": jp}

    def run_tf():
        tf_step(x_t, y_t)._value.block_until_ready()

    def run_jax():
        state["p"], loss = jax_step(state["p"], xj, yj)
        loss.block_until_ready()

    t_tf, t_jax = [], []
    for _ in range(repeats):  # interleaved, best of `repeats`
        t_tf.append(_time(run_tf, steps))
        t_jax.append(_time(run_jax, steps))
    a, b = min(t_tf), min(t_jax)
    print(f"device: {jax.devices()[0].platform}, MLP {SIZES}, batch {BATCH}")
    print(f"tapeflow.function step: {a * 1e6:9.1f} us   trace+compile {tf_compile:6.2f} s")
    print(f"jax.jit step:           {b * 1e6:9.1f} us   trace+compile {jax_compile:6.2f} s")
    print(f"ratio tapeflow/jax:     {a / b:9.2f}x  (target <= 1.2x)")
    return a, b, tf_compile, jax_compile


if __name__ == "__main__":
    main()
