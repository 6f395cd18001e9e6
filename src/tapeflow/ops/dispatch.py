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

from ..autodiff.engine import STATE, record
from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["wrap", "out", "outs", "unary", "binary", "nary", "norm_axis", "norm_axes",
           "to_tensor", "static_int_list", "check_float"]

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


def to_tensor(x, dtype=None, dtype_hint=None):
    if type(x) is Tensor and dtype is None:
        return x
    return convert_to_tensor(x, dtype=dtype, dtype_hint=dtype_hint)


def unary(x, op_type=None):
    if type(x) is Tensor:
        return x
    return convert_to_tensor(x)


def _mismatch(op_type, idx, want, got):
    kind = "float" if want.is_floating else want.name
    return invalid_argument(
        f"cannot compute {op_type} as input #{idx}(zero-based) was expected to be a "
        f"{kind} tensor but is a {got.name} tensor", op_type)


def _is_tensorlike(x):
    return isinstance(x, (Tensor, np.ndarray, np.generic, jax.Array)) or hasattr(x, "_as_tensor")


def binary(x, y, op_type):
    """Converts both operands; Python values take the other operand's dtype."""
    if type(x) is Tensor and type(y) is Tensor:
        if x._value.dtype != y._value.dtype:
            raise _mismatch(op_type, 1, x.dtype, y.dtype)
        return x, y
    xt, yt = _is_tensorlike(x), _is_tensorlike(y)
    if xt:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype) if not yt else convert_to_tensor(y)
    elif yt:
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype_hint=y.dtype)
    else:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype)
    if x.dtype != y.dtype:
        raise _mismatch(op_type, 1, x.dtype, y.dtype)
    return x, y


def nary(values, op_type):
    """Converts a list of operands to one common dtype (first tensor's)."""
    ref = next((v for v in values if _is_tensorlike(v)), None)
    dt = convert_to_tensor(ref).dtype if ref is not None else None
    ts = [convert_to_tensor(v, dtype_hint=dt) for v in values]
    if dt is None and ts:
        dt = ts[0].dtype
    for i, t in enumerate(ts):
        if t.dtype != dt:
            raise _mismatch(op_type, i, dt, t.dtype)
    return ts


def check_float(x, op_type):
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

