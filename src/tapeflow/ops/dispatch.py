"""Plumbing shared by every op: argument conversion, TF's dtype rule, recording.

An op is a plain function:

    def add(x, y, name=None):
        x, y = binary(x, y, "AddV2")
        return out(jnp.add(x._value, y._value), "AddV2", (x, y))

`binary` converts Python values to the tensor operand's dtype and refuses
mixed tensor dtypes with TF's InvalidArgumentError; `out` wraps the jax.Array
and records the op on any tape watching its inputs. Gradient rules live in
the matching `*_grad.py` module, registered by op type.
"""
import jax
import numpy as np

from ..framework.recording import DIFFERENTIABLE, STATE, record
from ..framework import dtypes
from ..framework.context import staged
from ..framework.errors import dtype_mismatch, invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import Variable

__all__ = ["wrap", "out", "outs", "unary", "binary", "nary", "norm_axis", "norm_axes",
           "to_tensor", "static_int_list", "check_float", "filled"]

_new = object.__new__


def wrap(value):
    """jax.Array -> Tensor, without recording (for non-differentiable results)."""
    t = _new(Tensor)
    t._value = value
    return t


def out(value, op_type, inputs, attrs=None):
    """Wraps one result and records the op on watching tapes."""
    t = _new(Tensor)
    t._value = value
    if STATE.tapes:
        record(op_type, inputs, (t,), attrs)
    return t


def outs(values, op_type, inputs, attrs=None):
    """Wraps several results (one op with many outputs) and records it once."""
    ts = []
    for v in values:
        t = _new(Tensor)
        t._value = v
        ts.append(t)
    if STATE.tapes:
        record(op_type, inputs, tuple(ts), attrs)
    return ts


_HOST_FILL_MAX = 1 << 26  # bytes: larger constants are filled by a compiled program


def filled(shape, value, np_dtype, like=None):
    """A `shape` array of `value` that compiles nothing.

    XLA compiles (and keeps, ~1.4 MiB each) one program per shape for a device
    fill, so host-sized constants are filled by NumPy and copied over. Shaped
    like a traced value (`like`), the fill becomes part of the traced program.

    >>> filled((2,), 0, np.float32).tolist()
    [0.0, 0.0]
    """
    if isinstance(like, jax.core.Tracer):
        with staged():
            return jax.numpy.full(shape, value, np_dtype)
    np_dtype = np.dtype(np_dtype)
    if int(np.prod(shape, dtype=np.int64)) * np_dtype.itemsize > _HOST_FILL_MAX:
        return jax.numpy.full(shape, value, np_dtype)
    host = np.zeros(shape, np_dtype) if value == 0 else np.full(shape, value, np_dtype)
    return jax.device_put(host)


def to_tensor(x, dtype=None, dtype_hint=None):
    """`convert_to_tensor` with a fast path for Tensors (`to_tensor([1.0]).dtype` is float32)."""
    if type(x) is Tensor and dtype is None:
        return x
    return convert_to_tensor(x, dtype=dtype, dtype_hint=dtype_hint)


def unary(x, op_type=None):
    """The single operand of an op as a Tensor (`unary(2.0).dtype` is float32)."""
    if type(x) is Tensor:
        return x
    if type(x) is Variable:
        return x._as_tensor()
    return convert_to_tensor(x)


def _is_tensorlike(x):
    return isinstance(x, (Tensor, np.ndarray, np.generic, jax.Array)) or hasattr(x, "_as_tensor")


# Elementwise binary op types: their operands must broadcast against each other.
ELEMENTWISE = frozenset((
    "AddV2", "Add", "Sub", "Mul", "RealDiv", "Div", "TruncateDiv", "FloorDiv", "FloorMod",
    "TruncateMod", "Mod", "Pow", "Maximum", "Minimum", "SquaredDifference", "DivNoNan",
    "MulNoNan", "Xdivy", "Xlogy", "Xlog1py", "Atan2", "Igamma", "Igammac", "Zeta",
    "Polygamma", "NextAfter", "Complex", "Equal", "NotEqual", "Greater", "GreaterEqual",
    "Less", "LessEqual", "ApproximateEqual", "LogicalAnd", "LogicalOr", "LogicalXor",
    "BitwiseAnd", "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift"))


def _broadcastable(xs, ys):
    for a, b in zip(reversed(xs), reversed(ys)):
        if a != b and a != 1 and b != 1:
            return False
    return True


# Set by tf.experimental.numpy.experimental_enable_numpy_behavior: (x, y) -> (x, y)
# promoted by NumPy's rules, for binary ops with mixed dtypes.
NUMPY_PROMOTION = [None]

_CONSTS = {}  # (python type, value, numpy dtype) -> jax array


def _py_const(v, ref):
    """A Python scalar as a Tensor of `ref`'s dtype when it fits (TF's rule), cached."""
    npd = ref._value.dtype
    if v != v:  # NaN never matches a cache key
        return convert_to_tensor(v, dtype=ref.dtype)
    key = (type(v), repr(v) if v == 0 else v, npd)
    val = _CONSTS.get(key)
    if val is None:
        t = convert_to_tensor(v, dtype=ref.dtype)
        val = t._value
        if isinstance(val, jax.core.Tracer):
            return t
        if len(_CONSTS) > 512:
            _CONSTS.clear()
        _CONSTS[key] = val
    t = _new(Tensor)
    t._value = val
    return t


def binary(x, y, op_type):
    """Converts both operands; Python and NumPy values take the other operand's dtype.

    Mixed tensor dtypes raise InvalidArgumentError naming both; elementwise
    ops also check that the shapes broadcast (naming both shapes).

    >>> a, b = binary(convert_to_tensor([1.0]), 2, "Mul")
    >>> b.dtype
    tf.float32
    """
    if NUMPY_PROMOTION[0] is not None:
        x, y = NUMPY_PROMOTION[0](x, y)
    tx, ty = type(x), type(y)
    if tx is Variable:
        x, tx = x._as_tensor(), Tensor
    if ty is Variable:
        y, ty = y._as_tensor(), Tensor
    if tx is Tensor:
        if ty is not Tensor:
            y = _py_const(y, x) if ty is float or ty is int else _other(y, x)
    elif ty is Tensor:
        x = _py_const(x, y) if tx is float or tx is int else _other(x, y)
    else:
        x, y = _convert_pair(x, y)
    xv, yv = x._value, y._value
    if xv.dtype != yv.dtype:
        raise dtype_mismatch(op_type, 1, x.dtype, y.dtype)
    xs, ys = xv.shape, yv.shape
    if xs != ys and xs and ys and op_type in ELEMENTWISE and not _broadcastable(xs, ys):
        raise invalid_argument(f"Incompatible shapes: {list(xs)} vs. {list(ys)}", op_type)
    return x, y


def _strong(v):
    """Tensors, Variables and jax arrays keep their own dtype."""
    return isinstance(v, (Tensor, jax.Array)) or hasattr(v, "_as_tensor")


def _other(v, ref):
    """The operand beside Tensor `ref`: weak values (Python, NumPy) take ref's dtype."""
    if _strong(v):
        return convert_to_tensor(v)
    if type(v) is float or type(v) is int:
        return _py_const(v, ref)
    return convert_to_tensor(v, dtype=ref.dtype)


def _convert_pair(x, y):
    if _strong(x):
        x = convert_to_tensor(x)
        return x, _other(y, x)
    if _strong(y):
        y = convert_to_tensor(y)
        return _other(x, y), y
    x = convert_to_tensor(x)
    return x, convert_to_tensor(y, dtype_hint=x.dtype)


def nary(values, op_type):
    """Converts a list of operands to one common dtype (first tensor's)."""
    ref = next((v for v in values if _strong(v)), None)
    if ref is None:
        ref = next((v for v in values if _is_tensorlike(v)), None)
    dt = convert_to_tensor(ref).dtype if ref is not None else None
    ts = [convert_to_tensor(v, dtype_hint=dt) for v in values]
    if dt is None and ts:
        dt = ts[0].dtype
    for i, t in enumerate(ts):
        if t.dtype != dt:
            raise dtype_mismatch(op_type, i, dt, t.dtype)
    return ts


def check_float(x, op_type):
    """Returns `x` if it is floating or complex, else TF's InvalidArgumentError."""
    if x._value.dtype in DIFFERENTIABLE:
        return x
    d = x.dtype
    if not (d.is_floating or d.is_complex):
        raise invalid_argument(
            f"Value for attr 'T' of {d.name} is not in the list of allowed values: "
            "bfloat16, half, float, double, complex64, complex128", op_type)
    return x


def norm_axis(axis, rank, op_type):
    """One axis -> non-negative int, with TF's out-of-range error."""
    if isinstance(axis, (Tensor,)) or hasattr(axis, "_as_tensor"):
        axis = int(convert_to_tensor(axis))
    axis = int(axis)
    if not -rank <= axis < max(rank, 1) or (rank == 0 and axis not in (0, -1)):
        raise invalid_argument(
            f"Invalid reduction dimension {axis} for input with {rank} dimensions "
            f"(expected axis in [{-rank}, {rank}))", op_type)
    return axis % rank if rank else 0


def norm_axes(axis, rank, op_type):
    """None | int | list -> tuple of non-negative ints (None: all axes)."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, (Tensor,)) or hasattr(axis, "_as_tensor"):
        axis = np.asarray(convert_to_tensor(axis)).tolist()
    if isinstance(axis, (list, tuple, np.ndarray)):
        axes = tuple(norm_axis(a, rank, op_type) for a in axis)
    else:
        axes = (norm_axis(axis, rank, op_type),)
    return axes


def static_int_list(x, what="shape"):
    """A shape-like argument (list, tuple, Tensor, TensorShape) -> list of ints."""
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        v = convert_to_tensor(x)._value
        if isinstance(v, jax.core.Tracer):
            raise TypeError(f"`{what}` must be known when tracing (got a symbolic tensor).")
        return [int(i) for i in np.asarray(v).reshape(-1)]
    if hasattr(x, "as_list"):
        return x.as_list()
    if isinstance(x, (int, np.integer)):
        return [int(x)]
    return [int(i) if not isinstance(i, Tensor) else int(i) for i in x]


def jnp_dtype(dtype):
    return dtypes.as_dtype(dtype)._np
