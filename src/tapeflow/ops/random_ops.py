"""Random ops: TF's seeding rules on a functionalized JAX key state.

The state is a uint32 jax key held in a non-trainable Variable, so inside a
tapeflow.function it is threaded through the program like any Variable and
every call draws fresh numbers. `set_seed(g)` resets it: whole runs repeat.
An op seed gets its own state, derived from (global seed, op seed).

>>> import tapeflow as tf
>>> tf.random.set_seed(1)
>>> a = tf.random.uniform([2])
>>> tf.random.set_seed(1)
>>> bool(tf.reduce_all(a == tf.random.uniform([2])))
True
"""
import functools
import os

import jax
import jax.numpy as jnp
import numpy as np

from ..framework import dtypes
from ..framework.tensor import Tensor
from ..framework.variables import HOOKS, Variable
from . import math_ops
from .dispatch import static_int_list, to_tensor, wrap

__all__ = ["set_seed", "get_seed", "normal", "uniform", "truncated_normal", "categorical",
           "shuffle", "gamma", "poisson", "rng_state_variables", "key_from_seed",
           "new_state_variable", "sample"]

DEFAULT_GRAPH_SEED = 87654321


class _State:
    global_seed = None
    var = None
    op_vars = {}


_S = _State()


def new_state_variable(key, name="rng_state"):
    """A non-trainable Variable holding `key`, created outside any trace's bookkeeping."""
    saved = HOOKS.access, HOOKS.creator
    HOOKS.access = HOOKS.creator = None
    try:
        with jax.ensure_compile_time_eval():
            v = Variable(jnp.asarray(key, jnp.uint32), trainable=False, name=name)
    finally:
        HOOKS.access, HOOKS.creator = saved
    v._tapeflow_rng = True
    return v


def _base_key(seed):
    with jax.ensure_compile_time_eval():
        return jax.random.PRNGKey(seed)


def _op_key(gseed, op_seed):
    with jax.ensure_compile_time_eval():
        return jax.random.fold_in(jax.random.PRNGKey(gseed), op_seed)


def set_seed(seed):
    """Sets the global random seed (`tf.random.set_seed`); runs become repeatable.

    >>> set_seed(42)
    """
    _S.global_seed = None if seed is None else int(seed)
    if seed is None:
        return
    if _S.var is None:
        _S.var = new_state_variable(_base_key(_S.global_seed), "global_rng_state")
    else:
        _S.var._swap_value(_base_key(_S.global_seed))
    for s, v in _S.op_vars.items():
        v._swap_value(_op_key(_S.global_seed, s))


def get_seed(op_seed):
    """(global seed, op seed) as TF derives them; (None, None) when neither is set."""
    g = _S.global_seed
    if g is None and op_seed is None:
        return None, None
    return (DEFAULT_GRAPH_SEED if g is None else g), (0 if op_seed is None else int(op_seed))


def rng_state_variables():
    """Every Variable that holds global or op-seeded random state."""
    vs = [] if _S.var is None else [_S.var]
    return vs + list(_S.op_vars.values())


def _state_for(seed):
    if seed is None:
        if _S.var is None:
            s = _S.global_seed
            key = _base_key(s) if s is not None else _base_key(
                int.from_bytes(os.urandom(4), "little"))
            _S.var = new_state_variable(key, "global_rng_state")
        return _S.var
    seed = int(seed)
    v = _S.op_vars.get(seed)
    if v is None:
        g = DEFAULT_GRAPH_SEED if _S.global_seed is None else _S.global_seed
        v = _S.op_vars[seed] = new_state_variable(_op_key(g, seed), f"rng_state_{seed}")
    return v


def next_key(state):
    """Splits a state Variable's key: returns a fresh key and advances the state."""
    hook = HOOKS.access
    if hook is not None:
        hook(state, "read")
    new, sub = jax.random.split(state._value)
    state._set(new)
    return sub


def key_from_seed(seed):
    """A jax key from a TF stateless seed: a shape-[2] integer tensor."""
    s = to_tensor(seed)._value
    if s.shape != (2,):
        raise ValueError(f"seed must have shape [2], got {list(s.shape)}. Received: seed={seed!r}")
    s = s.astype(jnp.int64)
    return jax.random.fold_in(jax.random.PRNGKey(s[0]), s[1])


def _val(x, dt):
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        return to_tensor(x)._value.astype(dt)
    return jnp.asarray(x, dt)


def _affine(z, mean, stddev, dt):
    """mean + stddev * z for tensor mean/stddev (differentiable through them)."""
    return math_ops.add(math_ops.multiply(wrap(z), to_tensor(stddev, dtype=dt)),
                        to_tensor(mean, dtype=dt))


def sample(kind, key, shape, dtype, a=None, b=None):
    """Draws from `key`: kind is normal|truncated|uniform; a, b: mean/std or min/max."""
    dt = dtypes.as_dtype(dtype)
    npd = dt._np
    shape = tuple(static_int_list(shape))
    if kind == "uniform":
        if dt.is_integer:
            if b is None:
                raise ValueError(f"Must specify maxval for integer dtype {dt.name}")
            return wrap(jax.random.randint(key, shape, _val(a, npd), _val(b, npd), npd))
        if not dt.is_floating:
            raise ValueError(f"Invalid dtype {dt.name} for random uniform")
        lo, hi = (0 if a is None else a), (1 if b is None else b)
        if any(isinstance(m, Tensor) or hasattr(m, "_as_tensor") for m in (lo, hi)):
            u = jax.random.uniform(key, shape, npd)
            lo_t, hi_t = to_tensor(lo, dtype=dt), to_tensor(hi, dtype=dt)
            return math_ops.add(math_ops.multiply(wrap(u), math_ops.subtract(hi_t, lo_t)), lo_t)
        return wrap(_draw(key, shape, npd, "uniform", np.asarray(lo, npd),
                          np.asarray(hi - lo, npd)))
    if not dt.is_floating:
        raise ValueError(f"Invalid dtype {dt.name} for random {kind}: a float dtype is needed")
    mean, std = 0.0 if a is None else a, 1.0 if b is None else b
    if any(isinstance(m, Tensor) or hasattr(m, "_as_tensor") for m in (mean, std)):
        return _affine(_draw(key, shape, npd, kind), mean, std, dt)
    if isinstance(mean, (int, float)) and mean == 0 and std == 1:
        return wrap(_draw(key, shape, npd, kind))
    return wrap(_draw(key, shape, npd, kind, np.asarray(mean, npd), np.asarray(std, npd)))


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _draw(key, shape, npd, kind, shift=None, scale=None):
    """shift + scale * (a standard draw): one compiled program per kind and shape."""
    if kind == "uniform":
        z = jax.random.uniform(key, shape, npd)
    elif kind == "normal":
        z = jax.random.normal(key, shape, npd)
    else:
        z = jax.random.truncated_normal(key, -2.0, 2.0, shape, npd)
    return z if scale is None else z * scale + shift


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution (`tf.random.normal`).

    >>> normal([2, 3]).shape
    TensorShape([2, 3])
    """
    return sample("normal", next_key(_state_for(seed)), shape, dtype, mean, stddev)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples re-drawn beyond two standard deviations (`tf.random.truncated_normal`)."""
    return sample("truncated", next_key(_state_for(seed)), shape, dtype, mean, stddev)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (`tf.random.uniform`); ints need maxval.

    >>> uniform([3], 0, 10, dtype="int32").dtype
    tf.int32
    """
    return sample("uniform", next_key(_state_for(seed)), shape, dtype, minval, maxval)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Samples class indices from [batch, classes] logits: result [batch, num_samples]."""
    lg = to_tensor(logits)
    if lg.ndim != 2:
        raise ValueError(f"logits should be a matrix, got shape {lg.shape}")
    dt = dtypes.as_dtype(dtype or dtypes.int64)
    key = next_key(_state_for(seed))
    return _categorical(key, lg, num_samples, dt)


def _categorical(key, lg, num_samples, dt):
    n = int(num_samples)
    s = jax.random.categorical(key, lg._value, axis=-1, shape=(n, lg._value.shape[0]))
    return wrap(s.T.astype(dt._np))


def shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension (`tf.random.shuffle`)."""
    x = to_tensor(value)
    key = next_key(_state_for(seed))
    return wrap(jax.random.permutation(key, x._value, axis=0, independent=False))


def gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma samples, shape `shape + alpha.shape` (`tf.random.gamma`)."""
    dt = dtypes.as_dtype(dtype)
    a = _val(alpha, dt._np)
    full = tuple(static_int_list(shape)) + a.shape
    g = jax.random.gamma(next_key(_state_for(seed)), jnp.broadcast_to(a, full), full, dt._np)
    if beta is not None:
        g = g / _val(beta, dt._np)
    return wrap(g)


def poisson(shape, lam, dtype=dtypes.float32, seed=None, name=None):
    """Poisson samples, shape `shape + lam.shape` (`tf.random.poisson`)."""
    dt = dtypes.as_dtype(dtype)
    lam_v = _val(lam, jnp.float64)
    full = tuple(static_int_list(shape)) + lam_v.shape
    p = jax.random.poisson(next_key(_state_for(seed)), jnp.broadcast_to(lam_v, full), full)
    return wrap(p.astype(dt._np))
