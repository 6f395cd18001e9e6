"""The core of the `tf` namespace, below the facade: what packages under tapeflow may use.

`tapeflow/__init__.py` (the facade) re-exports every public name of this
module and then imports the packages built on top of the core (`tf.data`,
`tf.image`, `tf.io`, `tf.strings`, ...). Those packages must not
`import tapeflow` (the facade imports them: an import circle); they write
`from .. import _core as tf` and use `tf.reshape`, `tf.math.log`,
`tf.random.uniform`, ... exactly as user code does.

Holds: Tensor, Variable, dtypes, TensorShape, errors, GradientTape,
custom_gradient, the gradient registry, every top-level op, the `tf.math`,
`tf.nn`, `tf.linalg`, `tf.random`, `tf.dtypes` namespaces, `tf.nest`, and
tf.function with compiled control flow. Importing it registers every
gradient rule and installs Tensor's operators.

>>> from tapeflow import _core
>>> float(_core.reduce_sum(_core.constant([1.0, 2.0])))
3.0
"""
from .framework.gradient_registry import NotDifferentiable, RegisterGradient
from .autodiff.tape import GradientTape, UnconnectedGradients
from .autodiff.custom_gradient import custom_gradient
from .framework import errors
from .framework.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32,
    float64, half, int8, int16, int32, int64, string, uint8, uint16, uint32, uint64)
from .framework.tensor import Tensor, constant, convert_to_tensor
from .framework.tensor_shape import TensorShape
from .framework.variables import Variable, VariableAggregation, VariableSynchronization, is_tensor
from .ops import _operators as _ops_install
from .ops import gradients as _gradients  # noqa: F401 - registers every gradient rule
from .ops.array_ops import *  # noqa: F401,F403
from .ops.gather_ops import *  # noqa: F401,F403
from .ops.layout_ops import *  # noqa: F401,F403
from .ops.shape_ops import *  # noqa: F401,F403
from .ops.math_ops import *  # noqa: F401,F403
from .ops.logic_ops import *  # noqa: F401,F403
from .ops.elementwise_ops import *  # noqa: F401,F403
from .ops.reduction_ops import *  # noqa: F401,F403
from .ops.sort_ops import *  # noqa: F401,F403
from .ops.segment_ops import *  # noqa: F401,F403
from .ops.einsum_ops import *  # noqa: F401,F403
from .ops.slicing import slice, strided_slice  # noqa: F401
from . import dtypes, linalg, math, nest, nn, random  # noqa: F401
from .function import *  # noqa: F401,F403 - tf.function, control flow, TensorSpec, ...

_ops_install.install()
