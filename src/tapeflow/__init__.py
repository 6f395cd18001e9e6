"""tapeflow: TensorFlow 2's programming model and Keras API on JAX/XLA.

    import tapeflow as tf
    x = tf.constant([[5, 2], [1, 3]])
    with tf.GradientTape() as tape: ...
"""
import jax as _jax

_jax.config.update("jax_enable_x64", True)  # TF has float64/int64 tensors

from . import math, nest  # noqa: E402
from .autodiff.engine import NotDifferentiable, RegisterGradient  # noqa: E402
from .autodiff.tape import GradientTape, UnconnectedGradients  # noqa: E402
from .framework import dtypes, errors  # noqa: E402
from .framework.dtypes import (  # noqa: E402
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32,
    float64, half, int8, int16, int32, int64, string, uint8, uint16, uint32, uint64)
from .framework.tensor import Tensor, constant, convert_to_tensor, is_tensor  # noqa: E402
from .framework.tensor_shape import TensorShape  # noqa: E402
from .framework.variables import (  # noqa: E402
    Variable, VariableAggregation, VariableSynchronization)
from .ops import _operators as _ops_install  # noqa: E402
from .ops import array_grad as _array_grad  # noqa: E402,F401 - registers gradients
from .ops import math_grad as _math_grad  # noqa: E402,F401
from .ops.array_ops import (  # noqa: E402
    broadcast_to, concat, expand_dims, fill, identity, one_hot, ones, ones_like, range,
    rank, reshape, shape, size, split, squeeze, stack, stop_gradient, transpose, unstack,
    where, zeros, zeros_like)
from .ops.math_ops import (  # noqa: E402
    abs, add, add_n, argmax, argmin, cast, clip_by_value, cos, cumprod, cumsum, divide, equal, exp,
    floordiv, greater, greater_equal, less, less_equal, log, logical_and, logical_not,
    logical_or, logical_xor, matmul, maximum, minimum, multiply, negative, not_equal, pow,
    realdiv, reduce_all, reduce_any, reduce_max, reduce_mean, reduce_min, reduce_prod,
    reduce_sum, round, saturate_cast, sigmoid, sign, sin, sqrt, square, subtract, tanh,
    truediv)
from .ops.slicing import slice, strided_slice  # noqa: E402

_ops_install.install()

newaxis = None
__version__ = "0.1.0"
