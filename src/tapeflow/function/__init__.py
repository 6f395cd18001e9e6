"""`tapeflow.function` (tf.function on XLA), compiled control flow and TensorSpec.

Names in `__all__` are exported at tapeflow's top level.
"""
from ..framework.context import executing_eagerly, get_static_value, init_scope, inside_function
from .polymorphic import ConcreteFunction, Function, function
from .printing import print  # noqa: A004 - tf.print
from .tensor_spec import TensorSpec
from .control_flow import case, cond, switch_case, while_loop
from .functional_ops import foldl, foldr, map_fn, scan, vectorized_map
from . import recurrent_grad  # noqa: F401 - registers the gradient of "Recurrence" (keras RNNs)

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec", "init_scope", "print",
           "cond", "case", "switch_case", "while_loop", "map_fn", "scan", "foldl", "foldr",
           "vectorized_map", "executing_eagerly", "get_static_value",
           "inside_function"]
