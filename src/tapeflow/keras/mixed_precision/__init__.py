"""keras.mixed_precision: dtype policies, autocast variables and loss scaling.

`set_global_policy("mixed_float16")` makes new layers keep float32 weights and compute
in float16; `compile()` then wraps the optimizer in a `LossScaleOptimizer`.
"""
from .autocast_variable import AutoCastVariable  # noqa: F401
from .loss_scale_optimizer import LossScaleOptimizer  # noqa: F401
from .policy import Policy, global_policy, set_global_policy  # noqa: F401

__all__ = ["Policy", "global_policy", "set_global_policy", "LossScaleOptimizer"]
