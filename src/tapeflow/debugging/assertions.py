"""`tf.debugging` assertions (`tf.Assert`, `tf.debugging.assert_equal`, ...).

Eagerly a failed assertion raises InvalidArgumentError at once, with TF's
eager text (`Condition x < y did not hold.` + the first values). Inside
`tf.function` a condition known while tracing is checked then; otherwise the
program checks it when it runs (`function/runtime_checks.py`) and the call
raises InvalidArgumentError with TF's graph text (`assertion failed: [msg]
[Condition x < y did not hold element-wise:] [x (shape=(2,) dtype=float32) = ]
[1 5] ...`). TF names graph tensors there (`x (x:0) = `); tapeflow's traced
tensors have no names, so their shape and dtype stand in, as in TF's eager text.

>>> import tapeflow as tf
>>> tf.debugging.assert_less(tf.constant([1, 2]), 3)
"""
import jax
import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..function.runtime_checks import host_assert
from ..ops import logic_ops, math_ops
from ..framework import dtypes

__all__ = ["Assert", "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_near", "assert_rank",
           "assert_rank_at_least", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_all_finite",
           "check_numerics", "assert_type", "assert_shapes", "assert_integer",
           "assert_scalar", "assert_proper_iterable", "assert_rank_in", "assert_same_float_dtype",
           "is_numeric_tensor"]


def _concrete(t):
    return not isinstance(t._value, jax.core.Tracer)


def _limit(summarize, size):
    return 3 if summarize is None else (size if summarize < 0 else int(summarize))


def _eager_item(d, summarize):
    """One data item as TF's eager Assert summarizes it."""
    if isinstance(d, str):
        return repr(d.encode())
    a = np.asarray(convert_to_tensor(d)._value)
    if a.ndim == 0:
        return str(a[()])
    flat = a.reshape(-1)
    items = [str(e) for e in flat[:_limit(summarize, flat.size)]]
    return ", ".join(items + (["..."] if len(items) < flat.size else []))


def _listed(d, summarize):
    """One data item of an eager element-wise check: a tensor as a list of strings."""
    if isinstance(d, str):
        return d
    a = np.asarray(d._value)
    if a.ndim == 0:
        return str(a[()])
    flat = a.reshape(-1)
    items = [str(e) for e in flat[:_limit(summarize, flat.size)]]
    return str(items + (["..."] if len(items) < flat.size else []))


def _named(t):
    return f"shape={tuple(t.shape.as_list())} dtype={t.dtype.name}"


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's name
    """Raises InvalidArgumentError when `condition` is False, summarizing `data`.

    >>> import tapeflow as tf
    >>> tf.debugging.Assert(tf.constant(True), ["never shown"])
    """
    cond = convert_to_tensor(condition)
    data = list(data)
    if _concrete(cond):
        if not bool(np.all(np.asarray(cond._value))):
            raise InvalidArgumentError(None, None, f"Expected '{cond}' to be true. Summarized "
                                       "data: " + "\n".join(_eager_item(d, summarize)
                                                             for d in data))
        return None
    static, arrays = [], []
    for d in data:
        if isinstance(d, str):
            static.append(d)
        else:
            static.append(None)
            arrays.append(convert_to_tensor(d)._value)
    host_assert(cond._value, static, arrays, summarize)
    return None


def _binary_text(symbol, message, summarize, x, y, ok):
    """TF's eager text of a failed element-wise comparison of x and y."""
    xs, ys = np.asarray(x._value), np.asarray(y._value)
    lines = ([] if message is None else [str(message)]) + [
        f"Condition x {symbol} y did not hold."]
    n = 3 if summarize is None else (max(xs.size, ys.size) if summarize < 0 else summarize)
    if n > 0:
        if xs.shape == ys.shape and xs.ndim:
            bad = ~np.broadcast_to(ok, xs.shape)
            where = np.argwhere(bad)
            k = min(n, len(where))
            lines += [f"Indices of first {k} different values:", str(where[:k]),
                      "Corresponding x values:", str(xs[bad][:k]),
                      "Corresponding y values:", str(ys[bad][:k])]
        fx, fy = xs.reshape(-1), ys.reshape(-1)
        lines += [f"First {min(fx.size, n)} elements of x:", str(fx[:n]),
                  f"First {min(fy.size, n)} elements of y:", str(fy[:n])]
    return "\n".join(lines)


def _comparison(op_name, symbol, public):
    """assert_<public>(x, y): Assert that `logic_ops.<op_name>(x, y)` holds everywhere."""
    def check(x, y, message=None, summarize=None, name=None):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype)
        ok = getattr(logic_ops, op_name)(x, y)
        if _concrete(ok):
            okv = np.asarray(ok._value)
            if not okv.all():
                raise InvalidArgumentError(None, None,
                                           _binary_text(symbol, message, summarize, x, y, okv))
            return None
        data = ([] if message is None else [str(message)]) + [
            f"Condition x {symbol} y did not hold element-wise:", f"x ({_named(x)}) = ", x,
            f"y ({_named(y)}) = ", y]
        return Assert(ok, data, summarize, name or public)
    check.__name__ = public
    check.__doc__ = f"Raises InvalidArgumentError unless x {symbol} y elementwise."
    return check


assert_equal = _comparison("equal", "==", "assert_equal")
assert_none_equal = _comparison("not_equal", "!=", "assert_none_equal")
assert_less = _comparison("less", "<", "assert_less")
assert_less_equal = _comparison("less_equal", "<=", "assert_less_equal")
assert_greater = _comparison("greater", ">", "assert_greater")
assert_greater_equal = _comparison("greater_equal", ">=", "assert_greater_equal")


def _prefix(message):
    return f"{message}.  " if message else ""


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless |x - y| <= atol + rtol * |y| elementwise."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype_hint=x.dtype)
    eps = np.finfo(x.dtype._np).eps if x.dtype.is_floating else 0
    rtol = convert_to_tensor(10 * eps if rtol is None else rtol, dtype_hint=x.dtype)
    atol = convert_to_tensor(10 * eps if atol is None else atol, dtype_hint=x.dtype)
    diff = math_ops.abs(math_ops.subtract(x, y))
    bound = math_ops.add(math_ops.multiply(math_ops.abs(y), rtol), atol)
    return Assert(
        math_ops.reduce_all(logic_ops.less_equal(diff, bound)),
        [_prefix(message), f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
         f"x ({_named(x)}) = ", x, f"y ({_named(y)}) = ", y], summarize, name or "assert_near")


def _sign(fn, symbol):
    def check(x, message=None, summarize=None, name=None):
        x = convert_to_tensor(x)
        ok = getattr(logic_ops, fn)(x, 0)
        data = [_prefix(message), f"Condition x {symbol} 0 did not hold element-wise:",
                f"x ({_named(x)}) = ", x]
        if _concrete(ok):
            if not np.all(np.asarray(ok._value)):
                raise InvalidArgumentError(None, None,
                                           "\n".join(_listed(d, summarize) for d in data))
            return None
        return Assert(ok, data, summarize, name)
    check.__doc__ = f"Raises InvalidArgumentError unless x {symbol} 0 elementwise."
    return check


assert_positive = _sign("greater", ">")
assert_negative = _sign("less", "<")
assert_non_negative = _sign("greater_equal", ">=")
assert_non_positive = _sign("less_equal", "<=")


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


def _numerics_text(message, values):
    a = np.asarray(values)
    nan, inf = bool(np.isnan(a).any()), bool(np.isinf(a).any())
    if not (nan or inf):
        return None
    what = "Inf and NaN" if nan and inf else ("NaN" if nan else "Inf")
    return f"{message} : Tensor had {what} values"


def check_numerics(tensor, message, name=None):
    """Returns `tensor`, raising InvalidArgumentError if it holds NaN or Inf.

    >>> import tapeflow as tf
    >>> float(tf.debugging.check_numerics(tf.constant(1.0), "ok"))
    1.0
    """
    t = convert_to_tensor(tensor)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        return t
    if _concrete(t):
        text = _numerics_text(message, t._value)
        if text is not None:
            raise invalid_argument(text, "CheckNumerics")
        return t
    host_assert(None, [], [t._value], text=lambda v: _numerics_text(message, v))
    return t


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and not tensor.dtype.is_bool and \
        tensor.dtype.name != "string"
