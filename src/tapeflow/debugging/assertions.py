"""`tf.debugging` assertions (`tf.Assert`, `tf.debugging.assert_equal`, ...).

Eagerly a failed assertion raises InvalidArgumentError at once. Inside
`tf.function` a condition known while tracing is checked then; otherwise the
check runs on the host when the program runs (a callback that raises).

>>> import tapeflow as tf
>>> tf.debugging.assert_less(tf.constant([1, 2]), 3)
"""
import jax
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["Assert", "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_near", "assert_rank",
           "assert_rank_at_least", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_all_finite",
           "check_numerics", "assert_type", "assert_shapes", "assert_integer",
           "assert_scalar", "assert_proper_iterable", "assert_rank_in", "assert_same_float_dtype",
           "is_numeric_tensor"]


def _fmt(data, summarize):
    parts = []
    for d in data:
        if isinstance(d, Tensor) or hasattr(d, "_as_tensor"):
            a = np.asarray(convert_to_tensor(d)._value).reshape(-1)
            n = 3 if summarize is None else int(summarize)
            parts.append(str(a[:n].tolist()) if a.size > n else str(a.tolist()))
        else:
            parts.append(str(d))
    return " ".join(parts)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's name
    """Raises InvalidArgumentError("assertion failed: ...") when `condition` is False."""
    cond = convert_to_tensor(condition)
    v = cond._value
    data = list(data)
    if not isinstance(v, jax.core.Tracer):
        if not bool(np.all(np.asarray(v))):
            raise invalid_argument(f"assertion failed: [{_fmt(data, summarize)}]",
                                   name or "Assert")
        return None
    tensors = [convert_to_tensor(d) for d in data if isinstance(d, Tensor)]

    def check(ok, *arrays):
        if not bool(np.all(ok)):
            shown = " ".join(str(np.asarray(a).reshape(-1)[:summarize or 3].tolist())
                             for a in arrays)
            raise invalid_argument(f"assertion failed: [{shown}]", name or "Assert")
    jax.debug.callback(check, v, *[t._value for t in tensors])
    return None


def _comparison(op_name, symbol, public):
    """assert_<public>(x, y): Assert that `logic_ops.<op_name>(x, y)` holds everywhere."""
    def check(x, y, message=None, summarize=None, name=None):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype)
        from ..ops import logic_ops
        ok = getattr(logic_ops, op_name)(x, y)
        msg = (message + "\n" if message else "") + f"Condition x {symbol} y did not hold."
        return Assert(ok, [msg, "x =", x, "y =", y], summarize, name or public)
    check.__name__ = public
    check.__doc__ = f"Raises InvalidArgumentError unless x {symbol} y elementwise."
    return check


assert_equal = _comparison("equal", "==", "assert_equal")
assert_none_equal = _comparison("not_equal", "!=", "assert_none_equal")
assert_less = _comparison("less", "<", "assert_less")
assert_less_equal = _comparison("less_equal", "<=", "assert_less_equal")
assert_greater = _comparison("greater", ">", "assert_greater")
assert_greater_equal = _comparison("greater_equal", ">=", "assert_greater_equal")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype_hint=x.dtype)
    eps = np.finfo(x.dtype._np).eps if x.dtype.is_floating else 0
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    from ..ops import math_ops
    diff = math_ops.abs(math_ops.subtract(x, y))
    bound = math_ops.add(math_ops.multiply(math_ops.abs(y), rtol), atol)
    from ..ops import logic_ops
    return Assert(logic_ops.less_equal(diff, bound),
                  [(message or "") + " x and y not equal to tolerance", "x =", x, "y =", y],
                  summarize, name or "assert_near")


def _sign(fn, what):
    def check(x, message=None, summarize=None, name=None):
        x = convert_to_tensor(x)
        from ..ops import logic_ops
        return Assert(getattr(logic_ops, fn)(x, 0), [(message or "") + f" x {what}", "x =",
                                                    x], summarize, name)
    return check


assert_positive = _sign("greater", "> 0 did not hold")
assert_negative = _sign("less", "< 0 did not hold")
assert_non_negative = _sign("greater_equal", ">= 0 did not hold")
assert_non_positive = _sign("less_equal", "<= 0 did not hold")


def _static_fail(message, what, op):
    raise invalid_argument((message + "\n" if message else "") + what, op)


def assert_rank(x, rank, message=None, name=None):
    x = convert_to_tensor(x)
    if x.ndim != int(rank):
        _static_fail(message, f"Tensor must have rank {int(rank)}. Received rank {x.ndim}, "
                     f"shape {x.shape}", "assert_rank")


def assert_rank_at_least(x, rank, message=None, name=None):
    x = convert_to_tensor(x)
    if x.ndim < int(rank):
        _static_fail(message, f"Tensor must have rank at least {int(rank)}. Received rank "
                     f"{x.ndim}, shape {x.shape}", "assert_rank_at_least")


def assert_rank_in(x, ranks, message=None, name=None):
    x = convert_to_tensor(x)
    if x.ndim not in [int(r) for r in ranks]:
        _static_fail(message, f"Tensor must have rank in {list(ranks)}. Received rank "
                     f"{x.ndim}", "assert_rank_in")


def assert_scalar(tensor, message=None, name=None):
    t = convert_to_tensor(tensor)
    if t.ndim != 0:
        raise ValueError((message or "") + f"Expected scalar shape, saw shape: {t.shape}.")
    return t


def assert_type(tensor, tf_type, message=None, name=None):
    from ..framework import dtypes
    t = convert_to_tensor(tensor)
    if t.dtype != dtypes.as_dtype(tf_type):
        raise TypeError((message or "") + f"{t.dtype.name} must be of type "
                        f"{dtypes.as_dtype(tf_type).name}")


def assert_integer(x, message=None, name=None):
    t = convert_to_tensor(x)
    if not t.dtype.is_integer:
        raise TypeError((message or "") + f"Expected integer type, got {t.dtype.name}")


def assert_same_float_dtype(tensors=None, dtype=None):
    ds = {convert_to_tensor(t).dtype for t in tensors or []}
    if dtype is not None:
        from ..framework import dtypes
        ds.add(dtypes.as_dtype(dtype))
    if len(ds) > 1:
        raise ValueError(f"Expected the same float dtype; got {sorted(d.name for d in ds)}")
    return ds.pop() if ds else None


def assert_proper_iterable(values):
    if isinstance(values, (str, bytes, Tensor, np.ndarray)):
        raise TypeError(f"Expected argument `values` to be a 'proper' iterable; Received: "
                        f"{type(values).__name__}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks each tensor's shape against symbols/ints, consistently across tensors."""
    bound = {}
    for x, spec in (shapes.items() if isinstance(shapes, dict) else shapes):
        dims = convert_to_tensor(x).shape.as_list()
        spec = list(spec)
        if len(dims) != len(spec):
            _static_fail(message, f"Specified by tensor {x!r} dimension count {len(spec)} "
                         f"does not match rank {len(dims)}", "assert_shapes")
        for d, s in zip(dims, spec):
            if isinstance(s, int):
                if d is not None and d != s:
                    _static_fail(message, f"Dimension {d} != specified {s}", "assert_shapes")
            elif s not in (None, ".", "*"):
                if bound.setdefault(s, d) != d:
                    _static_fail(message, f"Dimension {s!r}: {bound[s]} vs {d}",
                                 "assert_shapes")


def assert_all_finite(t, message, name=None):
    return check_numerics(t, message, name)


def check_numerics(tensor, message, name=None):
    """Returns `tensor`, raising InvalidArgumentError if it holds NaN or Inf."""
    t = convert_to_tensor(tensor)
    from ..ops import elementwise_ops
    Assert(elementwise_ops.is_finite(t), [f"{message} : Tensor had NaN or Inf values"])
    return t


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and not tensor.dtype.is_bool and \
        tensor.dtype.name != "string"
