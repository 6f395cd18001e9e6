"""Every private JAX API tapeflow uses, in one place, each behind one shim.

tapeflow relies on public JAX except for the few internals below. Each shim
imports its internal lazily-checked at import time; when a JAX release moves
or removes it, calling the shim raises `JaxCompatError` naming the internal
and the JAX version, instead of silently changing behaviour. Each shim has a
test in tests/framework/test_jax_compat.py, so a JAX upgrade that breaks one
fails there first.

- `eager_constant_folding(False)`: stage one primitive while a trace runs
  under `jax.ensure_compile_time_eval` (tf.cond/while_loop/print callbacks).
- `select_and_scatter_add`, `select_and_gather_add`: the max-pool gradient
  and its second-order gradient (lax has no public equivalents).
- `backends_are_initialized()`: whether XLA's runtime has started (tf.config's
  logical devices must be set before).

>>> from tapeflow.framework import jax_compat
>>> with jax_compat.eager_constant_folding(False):
...     pass
"""
import jax

__all__ = ["JaxCompatError", "eager_constant_folding", "select_and_scatter_add",
           "select_and_gather_add", "backends_are_initialized"]


class JaxCompatError(RuntimeError):
    """A private JAX API tapeflow relies on is missing from the installed jax."""


def _missing(what, err):
    def fail(*args, **kwargs):
        raise JaxCompatError(
            f"tapeflow needs the private JAX API `{what}`, which jax {jax.__version__} "
            f"does not provide ({type(err).__name__}: {err}). Install a jax version "
            "tapeflow supports (see pyproject.toml) or update tapeflow/framework/jax_compat.py.")
    return fail


try:
    from jax._src.config import eager_constant_folding as _eager_constant_folding
except ImportError as e:  # pragma: no cover - only on an unsupported jax
    eager_constant_folding = _missing("jax._src.config.eager_constant_folding", e)
else:
    def eager_constant_folding(enabled):
        """Context manager turning JAX's eager constant folding on or off."""
        return _eager_constant_folding(enabled)

try:
    from jax._src.lax.windowed_reductions import (
        _select_and_gather_add as select_and_gather_add,
        _select_and_scatter_add as select_and_scatter_add)
except ImportError as e:  # pragma: no cover - only on an unsupported jax
    select_and_gather_add = _missing("jax._src.lax.windowed_reductions._select_and_gather_add", e)
    select_and_scatter_add = _missing(
        "jax._src.lax.windowed_reductions._select_and_scatter_add", e)

try:
    from jax._src.xla_bridge import backends_are_initialized as _backends_are_initialized
except ImportError as e:  # pragma: no cover - only on an unsupported jax
    backends_are_initialized = _missing("jax._src.xla_bridge.backends_are_initialized", e)
else:
    def backends_are_initialized():
        """True once a JAX backend (the XLA runtime) has been created."""
        return _backends_are_initialized()
