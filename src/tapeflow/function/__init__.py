"""`tapeflow.function` (tf.function on XLA), control flow, TensorSpec, devices and config.

Names in `__all__` are exported at tapeflow's top level.
"""
__all__ = []
