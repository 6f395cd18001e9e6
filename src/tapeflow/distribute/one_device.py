"""`tf.distribute.OneDeviceStrategy` and the default strategy (no scope entered).

>>> import tapeflow as tf
>>> s = tf.distribute.OneDeviceStrategy("/cpu:0")
>>> float(s.reduce("SUM", s.run(lambda: tf.constant(2.0)), axis=None))
2.0
"""
import contextlib

import jax

from . import context
from .devices import resolve_devices
from .strategy import Strategy

__all__ = ["OneDeviceStrategy", "DefaultStrategy"]


class OneDeviceStrategy(Strategy):
    """Places variables and computation on one device (`tf.distribute.OneDeviceStrategy`)."""

    def __init__(self, device):
        super().__init__(resolve_devices([device]))


class DefaultStrategy(Strategy):
    """The strategy current outside any scope: one replica on JAX's default device."""

    def __init__(self):
        super().__init__([jax.local_devices()[0]])

    def _place_variable(self, var):
        """Variables stay where JAX puts them."""

    @contextlib.contextmanager
    def scope(self):
        """The default strategy's scope changes nothing (`has_strategy()` stays False)."""
        yield self


context.DEFAULT_STRATEGY_CLASS.append(DefaultStrategy)  # context.py sits below strategies
