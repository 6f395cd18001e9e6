"""framework/jax_compat: each shim over a private JAX API, against public JAX references."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from tapeflow.framework import jax_compat


def test_eager_constant_folding_stages_ops_under_compile_time_eval():
    def f(x):
        with jax.ensure_compile_time_eval():
            folded = jnp.ones(()) + 1.0  # evaluated while tracing: a constant
            with jax_compat.eager_constant_folding(False):
                staged = lax.cond(True, lambda: jnp.ones(()), lambda: jnp.zeros(()))
        return x + folded + staged
    prims = [e.primitive.name for e in jax.make_jaxpr(f)(1.0).jaxpr.eqns]
    assert "cond" in prims  # staged into the program, not folded away
    assert float(f(1.0)) == 4.0


def _windows(x):
    return (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0), (0, 0), (0, 0), (0, 0))


def test_select_and_scatter_add_is_the_max_pool_vjp():
    x = jnp.asarray(np.random.default_rng(0).standard_normal((1, 4, 4, 1)), jnp.float32)
    g = jnp.asarray(np.random.default_rng(1).standard_normal((1, 2, 2, 1)), jnp.float32)
    win, strides, pads = _windows(x)
    ours = jax_compat.select_and_scatter_add(g, x, lax.ge_p, win, strides, pads)

    def pool(v):
        return lax.reduce_window(v, -jnp.inf, lax.max, win, strides, "VALID")
    ref = jax.vjp(pool, x)[1](g)[0]
    np.testing.assert_allclose(ours, ref)


def test_select_and_gather_add_reads_the_tangent_at_each_maximum():
    x = jnp.asarray(np.random.default_rng(2).standard_normal((1, 4, 4, 1)), jnp.float32)
    t = jnp.asarray(np.random.default_rng(3).standard_normal((1, 4, 4, 1)), jnp.float32)
    win, strides, pads = _windows(x)
    ours = jax_compat.select_and_gather_add(t, x, lax.ge_p, win, strides, pads, (1,) * 4,
                                            (1,) * 4)

    def pool(v):
        return lax.reduce_window(v, -jnp.inf, lax.max, win, strides, "VALID")
    ref = jax.jvp(pool, (x,), (t,))[1]
    np.testing.assert_allclose(ours, ref)


def test_a_missing_internal_raises_a_loud_error():
    fail = jax_compat._missing("jax._src.nowhere.thing", ImportError("gone"))
    with pytest.raises(jax_compat.JaxCompatError, match=r"jax\._src\.nowhere\.thing.*"
                       + jax.__version__.replace(".", r"\.")):
        fail(1)
