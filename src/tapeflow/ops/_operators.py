"""Python operators on Tensor and Variable, mapped to tapeflow ops (as TF does)."""

from ..framework.tensor import Tensor
from ..framework.variables import Variable
from . import math_ops as M
from .symbolic_dispatch import CompositeArgument


def _eq(x, y):
    if y is None:
        return False
    try:
        return M.equal(x, y)
    except Exception:  # incompatible shapes or dtypes compare unequal, as in TF
        return False


def _ne(x, y):
    if y is None:
        return True
    try:
        return M.not_equal(x, y)
    except Exception:
        return True


def _logic(fn_bool, fn_int):
    def op(x, y):
        xt = M.unary(x) if not isinstance(x, (bool, int)) else None
        d = xt.dtype if xt is not None else M.unary(y).dtype
        return fn_bool(x, y) if d.is_bool else fn_int(x, y)
    return op


_and = _logic(M.logical_and, M.bitwise_and)
_or = _logic(M.logical_or, M.bitwise_or)
_xor = _logic(M.logical_xor, M.bitwise_xor)


def _invert(x):
    t = M.unary(x)
    return M.logical_not(t) if t.dtype.is_bool else M.invert(t)


def _rev(fn):
    return lambda x, y: fn(y, x)


_BINARY = {
    "add": M.add, "sub": M.subtract, "mul": M.multiply, "truediv": M.truediv,
    "floordiv": M.floordiv, "mod": M.floormod, "pow": M.pow, "matmul": M.matmul,
    "and": _and, "or": _or, "xor": _xor,
}


def _defer(fn):
    """`fn`, returning NotImplemented for a composite operand (Python then tries its
    reflected operator, e.g. `RaggedTensor.__radd__`)."""
    def op(x, y):
        try:
            return fn(x, y)
        except CompositeArgument:
            return NotImplemented
    return op


def install():
    for cls in (Tensor, Variable):
        for name, fn in _BINARY.items():
            setattr(cls, f"__{name}__", _defer(fn))
            setattr(cls, f"__r{name}__", _rev(fn))
        cls.__neg__ = M.negative
        cls.__pos__ = lambda x: x
        cls.__abs__ = M.abs
        cls.__invert__ = _invert
        cls.__lt__ = M.less
        cls.__le__ = M.less_equal
        cls.__gt__ = M.greater
        cls.__ge__ = M.greater_equal
        cls.__eq__ = _eq
        cls.__ne__ = _ne
