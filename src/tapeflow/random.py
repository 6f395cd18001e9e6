"""`tf.random`: seeded and stateless random ops and Generator.

>>> import tapeflow as tf
>>> tf.random.stateless_uniform([2], seed=[1, 2]).shape
TensorShape([2])
"""
import os
import types

import jax
import jax.numpy as jnp

from .framework import dtypes
from .ops.dispatch import to_tensor, wrap
from .ops.random_ops import (  # noqa: F401
    categorical, gamma, get_seed, key_from_seed, new_state_variable, next_key, normal,
    poisson, rng_state_variables, sample, set_seed, shuffle, truncated_normal, uniform)
from .ops.random_ops import _categorical

__all__ = ["set_seed", "normal", "uniform", "truncated_normal", "categorical", "shuffle",
           "gamma", "poisson", "stateless_normal", "stateless_uniform",
           "stateless_truncated_normal", "stateless_categorical", "Generator",
           "get_global_generator", "set_global_generator", "experimental", "split", "fold_in",
           "stateless_gamma", "stateless_poisson", "stateless_binomial", "Algorithm",
           "create_rng_state"]


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                     alg="auto_select"):
    """Normal samples fully determined by `seed` (shape [2]).

    >>> a = stateless_normal([2], seed=[3, 4]); b = stateless_normal([2], seed=[3, 4])
    >>> bool((a.numpy() == b.numpy()).all())
    True
    """
    return sample("normal", key_from_seed(seed), shape, dtype, mean, stddev)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None, alg="auto_select"):
    """Truncated-normal samples fully determined by `seed`."""
    return sample("truncated", key_from_seed(seed), shape, dtype, mean, stddev)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None,
                      alg="auto_select"):
    """Uniform samples fully determined by `seed`; integer dtypes need maxval."""
    return sample("uniform", key_from_seed(seed), shape, dtype, minval, maxval)


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """Categorical samples fully determined by `seed`: result [batch, num_samples]."""
    return _categorical(key_from_seed(seed), to_tensor(logits), num_samples,
                        dtypes.as_dtype(dtype))


def stateless_split(seed, num=2):
    """`num` new stateless seeds (int64 [num, 2]) derived from `seed`."""
    keys = jax.random.split(key_from_seed(seed), int(num))
    return wrap(keys.astype(jnp.int64))


def split(seed, num=2, alg="auto_select"):
    """`tf.random.split`: `num` new stateless seeds (int64 [num, 2]) from `seed`."""
    return stateless_split(seed, num)


def fold_in(seed, data, alg="auto_select"):
    """`tf.random.fold_in`: a new stateless seed (int64 [2]) from `seed` and integer `data`.

    >>> fold_in([1, 2], 7).shape
    TensorShape([2])
    """
    key = jax.random.fold_in(key_from_seed(seed), int(to_tensor(data).numpy()))
    return wrap(key.astype(jnp.int64))


def stateless_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None):
    """Gamma samples (shape `shape`, alpha/beta broadcast to it) determined by `seed`."""
    dt = dtypes.as_dtype(dtype)
    full = tuple(int(d) for d in to_tensor(shape).numpy().reshape(-1))
    a = jnp.broadcast_to(to_tensor(alpha, dtype=dt)._value, full)
    g = jax.random.gamma(key_from_seed(seed), a, full, dt._np)
    if beta is not None:
        g = g / jnp.broadcast_to(to_tensor(beta, dtype=dt)._value, full)
    return wrap(g)


def stateless_poisson(shape, seed, lam, dtype=dtypes.int32, name=None):
    """Poisson samples (shape `shape`, lam broadcast to it) determined by `seed`."""
    full = tuple(int(d) for d in to_tensor(shape).numpy().reshape(-1))
    lam_v = jnp.broadcast_to(to_tensor(lam, dtype=dtypes.float64)._value, full)
    p = jax.random.poisson(key_from_seed(seed), lam_v, full)
    return wrap(p.astype(dtypes.as_dtype(dtype)._np))


def stateless_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32, name=None):
    """Binomial samples (counts, probs broadcast to `shape`) determined by `seed`."""
    full = tuple(int(d) for d in to_tensor(shape).numpy().reshape(-1))
    n = jnp.broadcast_to(to_tensor(counts, dtype=dtypes.float64)._value, full)
    p = jnp.broadcast_to(to_tensor(probs, dtype=dtypes.float64)._value, full)
    b = jax.random.binomial(key_from_seed(seed), n, p, full)
    return wrap(b.astype(dtypes.as_dtype(output_dtype)._np))


class Algorithm:
    """Random algorithms (`tf.random.Algorithm`); tapeflow draws with JAX's threefry."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def create_rng_state(seed, alg):
    """The initial state array for `alg` from an integer `seed` (`tf.random.create_rng_state`)."""
    with jax.ensure_compile_time_eval():
        return jax.random.PRNGKey(int(seed)).astype(jnp.int64)


class Generator:
    """A random generator with its own state Variable (`tf.random.Generator`).

    >>> g = Generator.from_seed(1)
    >>> g.normal([2]).shape
    TensorShape([2])
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            state = copy_from._state._value
        if state is None:
            raise ValueError("Generator needs `copy_from` or `state`; use "
                             "Generator.from_seed or Generator.from_non_deterministic_state.")
        self._state = new_state_variable(jnp.asarray(state, jnp.uint32), "generator_state")

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose numbers are determined by the integer `seed`."""
        with jax.ensure_compile_time_eval():
            return cls(state=jax.random.PRNGKey(int(seed)))

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        return cls.from_seed(int.from_bytes(os.urandom(4), "little"))

    @property
    def state(self):
        return self._state

    @property
    def algorithm(self):
        return 1

    def _serialize_to_tensors(self):
        """The state saved by `tf.train.Checkpoint` (the checkpoint-protocol hook)."""
        return {"GENERATOR_STATE": self._state}

    def _restore_from_tensors(self, restored_tensors):
        self._state.assign(jnp.asarray(restored_tensors["GENERATOR_STATE"], jnp.uint32))

    def reset_from_seed(self, seed):
        """Restarts this generator's sequence from `seed`."""
        with jax.ensure_compile_time_eval():
            self._state.assign(jax.random.PRNGKey(int(seed)))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Normal samples from this generator's state (advances it)."""
        return sample("normal", next_key(self._state), shape, dtype, mean, stddev)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Truncated-normal samples (within two stddevs) from this generator."""
        return sample("truncated", next_key(self._state), shape, dtype, mean, stddev)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Uniform samples in [minval, maxval) from this generator; ints need maxval."""
        return sample("uniform", next_key(self._state), shape, dtype, minval, maxval)

    def make_seeds(self, count=1):
        """int64 seeds of shape [2, count] for the stateless ops."""
        bits = jax.random.randint(next_key(self._state), (2, int(count)), 0, 2**31 - 1,
                                  jnp.int64)
        return wrap(bits)

    def split(self, count=1):
        """`count` new independent generators; advances this one."""
        keys = jax.random.split(next_key(self._state), int(count))
        with jax.ensure_compile_time_eval():
            return [Generator(state=k) for k in keys]


_GLOBAL = [None]


def get_global_generator():
    """The process-wide Generator (created on first use)."""
    if _GLOBAL[0] is None:
        _GLOBAL[0] = Generator.from_non_deterministic_state()
    return _GLOBAL[0]


def set_global_generator(generator):
    """Replaces the process-wide Generator."""
    _GLOBAL[0] = generator


experimental = types.SimpleNamespace(
    stateless_split=stateless_split, stateless_fold_in=fold_in, Generator=Generator,
    get_global_generator=get_global_generator, set_global_generator=set_global_generator)
