"""Call signatures of a tapeflow.function: cache-key leaves, retrace reasons, printing.

* String tensors (and other host-only dtypes XLA cannot hold) are *static*
  arguments: their value is part of the cache key, like a Python value, and
  the trace sees them as constants. A new string value retraces.
* Objects with `__tf_tracing_type__(context)` are keyed by the TraceType they
  return (`tf.types.experimental.TraceType`); equal trace types share a trace.
* When a call retraces, `retrace_reason` names the first argument that changed
  and how: shape, dtype or Python value.

>>> import tapeflow as tf
>>> old = (tuple, ((tuple, (("T", (64, 784), "float32"),)), (dict, ())))
>>> new = (tuple, ((tuple, (("T", (32, 784), "float32"),)), (dict, ())))
>>> retrace_reason(("x",), old, new)
'argument `x` changed shape (64, 784) -> (32, 784)'
"""
import inspect

import jax
import numpy as np

from .. import nest
from ..framework import dtypes
from ..framework.tensor import Tensor
from ..framework.variables import Variable
from .tensor_spec import TensorSpec

__all__ = ["special_key", "is_host_value", "retrace_reason", "arg_names", "input_signature",
           "pretty_signature", "TraceType", "struct_key", "relax", "covers"]


class TraceType:
    """Base class of the trace types custom argument classes return from
    `__tf_tracing_type__` (`tf.types.experimental.TraceType`).

    Subclasses define `is_subtype_of`, `most_specific_common_supertype`,
    `placeholder_value`, `__eq__` and `__hash__`; calls whose arguments have
    equal trace types reuse one trace.
    """

    def is_subtype_of(self, other):
        return self == other

    def most_specific_common_supertype(self, others):
        return self if all(self == o for o in others) else None

    def placeholder_value(self, placeholder_context=None):
        raise NotImplementedError(f"{type(self).__name__}.placeholder_value")


class _TracingContext:
    """The `context` passed to `__tf_tracing_type__`."""


def is_host_value(x):
    """A tensor whose dtype XLA cannot hold (strings): passed as a static argument."""
    return isinstance(x, Tensor) and isinstance(x._value, np.ndarray) and \
        x._value.dtype.kind in "OSU"


def special_key(x):
    """The cache-key leaf for string tensors, TraceType objects and unknown-rank specs."""
    if is_host_value(x):
        return ("P", "string", x._value.shape, tuple(x._value.ravel().tolist()))
    tracing_type = getattr(type(x), "__tf_tracing_type__", None)
    if tracing_type is not None and not isinstance(x, type):
        return ("TT", tracing_type(x, _TracingContext()))
    if isinstance(x, TensorSpec) and x.shape.rank is None:
        return ("T", None, x.dtype._np)
    return None


# -- retracing --------------------------------------------------------------------

def arg_names(fn, n):
    """Names of a function's first `n` positional parameters (arg0, ... when unknown)."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return tuple(params[i] if i < len(params) else f"arg{i}" for i in range(n))


def _describe_leaf(k):
    if isinstance(k, tuple) and k and k[0] == "T":
        return "a Tensor"
    if isinstance(k, tuple) and k and k[0] == "P":
        return "a Python value"
    return "an object"


def _leaf_change(old, new):
    if old[0] == new[0] == "T":
        if old[2] != new[2]:
            return f"changed dtype {dtypes.as_dtype(old[2]).name} -> " \
                   f"{dtypes.as_dtype(new[2]).name}"
        return f"changed shape {_shape(old[1])} -> {_shape(new[1])}"
    if old[0] == new[0] == "P":
        return f"changed Python value {old[-1]!r} -> {new[-1]!r}"
    if old[0] == new[0]:
        return "is a different object"
    return f"changed from {_describe_leaf(old)} to {_describe_leaf(new)}"


def _shape(s):
    return "<unknown rank>" if s is None else str(tuple(s))


def _diff(old, new, path):
    """(path, change) of the first difference between two structure keys."""
    if old == new:
        return None
    is_leaf = isinstance(old, tuple) and old and isinstance(old[0], str)
    if is_leaf or not (isinstance(old, tuple) and isinstance(new, tuple) and
                       len(old) == 2 == len(new) and old[0] is new[0]):
        if isinstance(old, tuple) and isinstance(new, tuple) and old and new and \
                isinstance(old[0], str) and isinstance(new[0], str):
            return path, _leaf_change(old, new)
        return path, "changed structure"
    kids_a, kids_b = old[1], new[1]
    if len(kids_a) != len(kids_b):
        return path, f"changed length {len(kids_a)} -> {len(kids_b)}"
    for i, (a, b) in enumerate(zip(kids_a, kids_b)):
        if old[0] is dict:
            key = a[0]
            if key != b[0]:
                return path, "changed keys"
            found = _diff(a[1], b[1], f"{path}[{key!r}]")
        else:
            found = _diff(a, b, f"{path}[{i}]")
        if found:
            return found
    return None


def retrace_reason(names, old_key, new_key):
    """"argument `x` changed shape (64, 784) -> (32, 784)" for two (args, kwargs) keys."""
    try:
        (_, (args_a, kw_a)), (_, (args_b, kw_b)) = old_key, new_key
        for i, (a, b) in enumerate(zip(args_a[1], args_b[1])):
            found = _diff(a, b, "")
            if found:
                name = names[i] if i < len(names) else f"arg{i}"
                return f"argument `{name}{found[0]}` {found[1]}"
        if len(args_a[1]) != len(args_b[1]):
            return f"the number of positional arguments changed {len(args_a[1])} -> " \
                   f"{len(args_b[1])}"
        found = _diff(kw_a, kw_b, "")
        if found:
            return f"keyword argument{found[0]} {found[1]}"
    except (TypeError, ValueError):
        pass
    return "the arguments' signature changed"


# -- signatures ----------------------------------------------------------------------

def input_signature(args, kwargs, key):
    """(args, kwargs) with every tensor replaced by its TensorSpec (None dims from `key`)."""
    key_shapes = [k for k in _key_leaves(key) if isinstance(k, tuple) and k and k[0] == "T"]
    it = iter(key_shapes)

    def spec(x):
        if isinstance(x, TensorSpec):
            next(it, None)
            return x
        if isinstance(x, Tensor) and not is_host_value(x):
            k = next(it, None)
            shape = k[1] if k is not None else x.shape
            return TensorSpec(shape, x.dtype)
        if hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, Tensor):
            k = next(it, None)
            try:
                return TensorSpec(k[1] if k else x.shape, dtypes.as_dtype(x.dtype))
            except (TypeError, ValueError, KeyError):
                return x
        return x
    flat = nest.flatten((tuple(args), dict(kwargs)))
    return nest.pack_sequence_as((tuple(args), dict(kwargs)), [spec(x) for x in flat])


def _key_leaves(key):
    """The leaf keys of a structure key, in nest.flatten order."""
    if isinstance(key, tuple) and key and isinstance(key[0], str):
        return [key]
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], type):
        kids = [c[1] for c in key[1]] if issubclass(key[0], dict) else key[1]
        return [leaf for c in kids for leaf in _key_leaves(c)]
    return []


def _describe(x):
    if isinstance(x, TensorSpec):
        shape = "<unknown>" if x.shape.rank is None else str(
            tuple(None if d is None else d for d in x.shape.as_list()))
        return f"{x.dtype.name} Tensor, shape={shape}"
    if isinstance(x, Tensor):
        return f"{x.dtype.name} Tensor, shape={tuple(x.shape.as_list())}"
    return f"{type(x).__name__} value: {x!r}" if not callable(x) else repr(x)


def _describe_struct(x, indent):
    if isinstance(x, dict):
        inner = ", ".join(f"{k!r}: {_describe_struct(v, indent)}" for k, v in x.items())
        return f"Dict[{inner}]"
    if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
        inner = ", ".join(_describe_struct(v, indent) for v in x)
        return f"{'List' if isinstance(x, list) else 'Tuple'}[{inner}]"
    return _describe(x)


def pretty_signature(name, names, signature, outputs):
    """One concrete function's signature in TF's `pretty_printed_concrete_signatures` layout."""
    args, kwargs = signature
    arg_list = list(names[:len(args)]) + list(kwargs)
    lines = [f"{name}({', '.join(arg_list)})", "  Args:"]
    for n, a in zip(names, args):
        lines.append(f"    {n}: {_describe_struct(a, 4)}")
    for k, v in kwargs.items():
        lines.append(f"    {k}: {_describe_struct(v, 4)}")
    lines.append("  Returns:")
    lines.append(f"    {_describe_struct(outputs, 4)}")
    return "\n".join(lines)


# -- cache keys of tf.function calls ---------------------------------------------

def _leaf_key(x):
    special = special_key(x)  # string tensors, __tf_tracing_type__, unknown-rank specs
    if special is not None:
        return special
    if isinstance(x, Tensor):
        v = x._value
        return ("T", v.shape, v.dtype)
    if isinstance(x, (jax.Array, np.ndarray)):
        return ("T", x.shape, x.dtype)
    if isinstance(x, Variable):
        return ("V", id(x))
    if isinstance(x, TensorSpec):
        return ("T", tuple(x.shape.as_list()), x.dtype._np)
    try:
        hash(x)
        return ("P", type(x), x)
    except TypeError:
        return ("O", id(x))


def struct_key(x):
    """The trace-cache key of a call's (args, kwargs): structure, shapes/dtypes, values."""
    if hasattr(x, "_function_components"):  # RaggedTensor, ...
        return (type(x), tuple(_leaf_key(c) for c in x._function_components()))
    if isinstance(x, (list, tuple)):
        return (type(x), tuple(struct_key(c) for c in x))
    if isinstance(x, dict):
        return (type(x), tuple((k, struct_key(x[k])) for k in sorted(x, key=repr)))
    return _leaf_key(x)


def relax(a, b):
    """Merges two shape-keyed structure keys, replacing differing dims with None."""
    if isinstance(a, tuple) and len(a) == 3 and a[0] == "T" and isinstance(b, tuple) \
            and len(b) == 3 and b[0] == "T":
        if a[2] != b[2] or len(a[1]) != len(b[1]):
            return None
        return ("T", tuple(x if x == y else None for x, y in zip(a[1], b[1])), a[2])
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        parts = [relax(x, y) for x, y in zip(a, b)]
        return None if any(p is None and (x is not None) for p, x in zip(parts, a)) else tuple(parts)
    return a if a == b else None


def covers(general, key):
    """True when the structure key `general` (None dims allowed) accepts `key`."""
    if isinstance(general, tuple) and len(general) == 3 and general[0] == "T":
        return isinstance(key, tuple) and len(key) == 3 and key[0] == "T" and \
            general[2] == key[2] and len(general[1]) == len(key[1]) and \
            all(g is None or g == d for g, d in zip(general[1], key[1]))
    if isinstance(general, tuple) and isinstance(key, tuple) and len(general) == len(key):
        return all(covers(g, k) for g, k in zip(general, key))
    return general == key
