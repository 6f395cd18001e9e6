"""jax_compat.backends_are_initialized: True once a computation has run."""
import jax.numpy as jnp

from tapeflow.framework import jax_compat


def test_backends_are_initialized_after_a_computation():
    jnp.zeros(1).block_until_ready()
    assert jax_compat.backends_are_initialized() is True
