"""Python operators on Tensor and Variable, mapped to tapeflow ops (as TF does).

`install()` (called once by `import tapeflow`) sets the arithmetic,
comparison and bitwise operators on both classes, and `Tensor.__getitem__`
(strided slicing) and `Tensor.__iter__` (unstacking); framework/tensor.py
and variables.py import no ops, so the operators are defined here.
"""
from ..framework.tensor import Tensor
from ..framework.variables import Variable
from . import array_ops, logic_ops, slicing
from . import math_ops as M
from .symbolic_dispatch import CompositeArgument


def _eq(x, y):
    if y is None:
        return False
    try:
        return logic_ops.equal(x, y)
    except Exception:  # incompatible shapes or dtypes compare unequal, as in TF
        return False


def _ne(x, y):
    if y is None:
        return True
    try:
        return logic_ops.not_equal(x, y)
    except Exception:
        return True


def _logic(fn_bool, fn_int):
    def op(x, y):
        xt = M.unary(x) if not isinstance(x, (bool, int)) else None
        d = xt.dtype if xt is not None else M.unary(y).dtype
        return fn_bool(x, y) if d.is_bool else fn_int(x, y)
    return op


_and = _logic(logic_ops.logical_and, logic_ops.bitwise_and)
_or = _logic(logic_ops.logical_or, logic_ops.bitwise_or)
_xor = _logic(logic_ops.logical_xor, logic_ops.bitwise_xor)


def _invert(x):
    t = M.unary(x)
    return logic_ops.logical_not(t) if t.dtype.is_bool else logic_ops.invert(t)


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


def _iter(x):
    if x._value.ndim == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    return iter(array_ops.unstack(x, axis=0))


def install():
    Tensor.__getitem__ = slicing.getitem
    Tensor.__iter__ = _iter
    for cls in (Tensor, Variable):
        for name, fn in _BINARY.items():
            setattr(cls, f"__{name}__", _defer(fn))
            setattr(cls, f"__r{name}__", _rev(fn))
        cls.__neg__ = M.negative
        cls.__pos__ = lambda x: x
        cls.__abs__ = M.abs
        cls.__invert__ = _invert
        cls.__lt__ = logic_ops.less
        cls.__le__ = logic_ops.less_equal
        cls.__gt__ = logic_ops.greater
        cls.__ge__ = logic_ops.greater_equal
        cls.__eq__ = _eq
        cls.__ne__ = _ne
