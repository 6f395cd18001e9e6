"""Independent jax.numpy references of the recurrent cells' equations (a Python time loop)."""
import functools

import jax
import jax.numpy as jnp
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + jnp.exp(-x))


def simple_step(x, states, w):
    kernel, rec, bias = w
    h = jnp.tanh(x @ kernel + states[0] @ rec + bias)
    return h, [h]


def lstm_step(x, states, w):
    kernel, rec, bias = w
    h, c = states
    z = x @ kernel + h @ rec + bias
    i, f, g, o = jnp.split(z, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * jnp.tanh(g)
    h = sigmoid(o) * jnp.tanh(c)
    return h, [h, c]


def gru_step(x, states, w, reset_after=True):
    kernel, rec, bias = w
    h = states[0]
    u = h.shape[-1]
    if reset_after:
        xp = x @ kernel + bias[0]
        hp = h @ rec + bias[1]
        z = sigmoid(xp[:, :u] + hp[:, :u])
        r = sigmoid(xp[:, u:2 * u] + hp[:, u:2 * u])
        cand = jnp.tanh(xp[:, 2 * u:] + r * hp[:, 2 * u:])
    else:
        xp = x @ kernel + bias
        z = sigmoid(xp[:, :u] + h @ rec[:, :u])
        r = sigmoid(xp[:, u:2 * u] + h @ rec[:, u:2 * u])
        cand = jnp.tanh(xp[:, 2 * u:] + (r * h) @ rec[:, 2 * u:])
    h = z * h + (1 - z) * cand
    return h, [h]


STEPS = {"SimpleRNN": simple_step, "LSTM": lstm_step, "GRU": gru_step,
         "GRU_v1": lambda x, s, w: gru_step(x, s, w, reset_after=False)}


def run(kind, x, weights, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """(outputs (B, T, units) in processing order, last output, final states)."""
    if go_backwards:
        x = x[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    if mask is None:
        mask = np.ones(x.shape[:2], bool)
    return _run(kind, x, weights, states, mask, zero_output_for_mask)


@functools.partial(jax.jit, static_argnames=("kind", "zero_output_for_mask"))
def _run(kind, x, weights, states, mask, zero_output_for_mask):
    step = STEPS[kind]
    steps = range(x.shape[1])
    prev = jnp.zeros(states[0].shape, x.dtype)
    outs = []
    for t in steps:
        out, new = step(x[:, t], states, weights)
        m = mask[:, t][:, None]  # an all-true mask leaves every step as computed
        new = [jnp.where(m, n, o) for n, o in zip(new, states)]
        out = jnp.where(m, out, jnp.zeros_like(out) if zero_output_for_mask else prev)
        states, prev = new, out
        outs.append(out)
    return jnp.stack(outs, 1), prev, states


def grads(kind, x, weights, states, cotangent, mask=None, go_backwards=False,
          zero_output_for_mask=False):
    """d(sum(outputs * cotangent)) / d(x, weights)."""
    if mask is None:
        mask = np.ones(x.shape[:2], bool)
    return _grads(kind, x, weights, states, cotangent, mask, go_backwards, zero_output_for_mask)


@functools.partial(jax.jit, static_argnames=("kind", "go_backwards", "zero_output_for_mask"))
def _grads(kind, x, weights, states, cotangent, mask, go_backwards, zero_output_for_mask):
    def loss(x, weights):
        xs, ms = (x[:, ::-1], mask[:, ::-1]) if go_backwards else (x, mask)
        out = _run(kind, xs, weights, states, ms, zero_output_for_mask)[0]
        return jnp.sum(out * cotangent)
    return jax.grad(loss, (0, 1))(x, weights)
