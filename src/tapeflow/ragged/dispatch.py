"""Routes public tapeflow ops called with RaggedTensor arguments to ragged kernels.

A RaggedTensor refuses conversion to a dense Tensor by raising
`CompositeArgument`; the namespace wrapper (ops/symbolic_dispatch.py) then asks
`dispatch` here, which picks the ragged implementation by the op's public name.

>>> import tapeflow as tf
>>> tf.math.exp(tf.ragged.constant([[0.], []])).to_list()
[[1.0], []]
"""
from ..ops.symbolic_dispatch import add_composite_dispatcher
from . import array_ops as RA
from .elementwise import BINARY, UNARY, binary, unary
from .dynamic_ragged_shape import DynamicRaggedShape
from .ragged_tensor import RaggedTensor
from .reductions import REDUCTIONS, reduce
from .shape_ops import SHAPE_OPS
from .. import math as tf_math

__all__ = ["dispatch", "install"]

_ARRAY = {"concat": RA.concat, "stack": RA.stack, "gather": RA.gather, "where": RA.where,
          "where_v2": RA.where, "boolean_mask": RA.boolean_mask,
          "expand_dims": RA.expand_dims, "size": RA.size, "rank": RA.rank, **SHAPE_OPS}


def _has_ragged(v):
    if isinstance(v, (RaggedTensor, DynamicRaggedShape)):
        return True
    if isinstance(v, (list, tuple)):
        return any(_has_ragged(x) for x in v)
    return False


def dispatch(fn, symbol, args, kwargs):
    """Ragged result of `fn(*args, **kwargs)`, or NotImplemented without ragged inputs."""
    if not (any(_has_ragged(a) for a in args) or any(_has_ragged(v) for v in kwargs.values())):
        return NotImplemented
    name = symbol.rsplit(".", 1)[-1]
    kwargs = {k: v for k, v in kwargs.items() if k != "name"}
    if name in UNARY and args and isinstance(args[0], RaggedTensor):
        return unary(fn, args[0], args[1:], kwargs)
    if name in BINARY:
        x, y = (list(args) + [kwargs.pop("x", None), kwargs.pop("y", None)])[:2] \
            if len(args) < 2 else args[:2]
        return binary(fn, x, y, args[2:], kwargs, name)
    if name in REDUCTIONS:
        x = args[0] if args else kwargs.pop("input_tensor")
        axis = args[1] if len(args) > 1 else kwargs.pop("axis", None)
        keepdims = args[2] if len(args) > 2 else kwargs.pop("keepdims", False)
        return reduce(name, fn, x, axis, keepdims, kwargs=kwargs)
    if name == "add_n":
        inputs = list(args[0] if args else kwargs["inputs"])
        total = inputs[0]
        for other in inputs[1:]:
            total = binary(_add, total, other, (), {}, "add_n")
        return total
    impl = _ARRAY.get(name)
    if impl is not None:
        return impl(*args, **kwargs)
    return NotImplemented


def _add(x, y):
    return tf_math.add(x, y)


def _binary_op(fn_name, reverse=False):
    def op(x, y):
        fn = getattr(tf_math, fn_name)
        return binary(fn, y, x, (), {}, fn_name) if reverse else binary(fn, x, y, (), {},
                                                                         fn_name)
    return op


def _unary_op(fn_name):
    def op(x):
        return unary(getattr(tf_math, fn_name), x, (), {})
    return op


def _invert(x):
    return unary(tf_math.logical_not if x.dtype.is_bool else tf_math.invert, x, (), {})


_OPERATORS = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "truediv",
              "floordiv": "floordiv", "mod": "floormod", "pow": "pow",
              "and": "logical_and", "or": "logical_or", "xor": "logical_xor"}


def install():
    """Registers the dispatcher and RaggedTensor's Python operators (`rt + 1`, `-rt`)."""
    add_composite_dispatcher(dispatch)
    for name, fn_name in _OPERATORS.items():
        setattr(RaggedTensor, f"__{name}__", _binary_op(fn_name))
        setattr(RaggedTensor, f"__r{name}__", _binary_op(fn_name, reverse=True))
    for name, fn_name in {"lt": "less", "le": "less_equal", "gt": "greater",
                          "ge": "greater_equal"}.items():
        setattr(RaggedTensor, f"__{name}__", _binary_op(fn_name))
    RaggedTensor.__neg__ = _unary_op("negative")
    RaggedTensor.__abs__ = _unary_op("abs")
    RaggedTensor.__invert__ = _invert

