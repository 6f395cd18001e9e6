"""Runtime of converted code (`ag__`): conditionals, logical operators, assert, print.

Python values keep Python semantics; a tensor traced inside a tapeflow.function
turns the construct into `tf.cond`. Branch state is what `get_state()` returns:
tensors (and Python numbers, which become tensors, as in TF) are the cond's
outputs; other objects must be identical in both branches.

>>> if_exp(True, lambda: 1, lambda: 2)
1
"""
import sys

import jax
import numpy as np

from .. import nest
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import Variable
from ..framework.context import current_trace, staged
from ..framework import recording
from ..function.control_flow import _Scope, cond as tf_cond
from ..ops import logic_ops, math_ops
from .status import STATUS
from ..function.printing import print as tf_print
from ..function.runtime_checks import host_assert

__all__ = ["Undefined", "UndefinedReturnValue", "retval", "if_stmt", "if_exp", "and_", "or_",
           "not_", "assert_stmt", "is_graph_tensor"]


class Undefined:
    """The value of a name that converted code has not assigned yet."""

    __slots__ = ("symbol_name",)

    def __init__(self, symbol_name):
        self.symbol_name = symbol_name

    def __repr__(self):
        return f"<undefined {self.symbol_name}>"

    def __getattr__(self, name):
        raise UnboundLocalError(f"local variable '{self.symbol_name}' is used before it is "
                                f"assigned (in code converted by tf.autograph).")

    def __bool__(self):
        return self.__getattr__("__bool__")

    def __call__(self, *args, **kwargs):
        return self.__getattr__("__call__")


class UndefinedReturnValue:
    """The return value of a converted function before a `return` ran."""

    def __repr__(self):
        return "<undefined return value>"


def retval(value):
    """The function's result: None when no `return` statement ran."""
    return None if isinstance(value, UndefinedReturnValue) else value


def is_graph_tensor(x):
    """True for a tensor (or variable) whose value is symbolic in the current trace."""
    if isinstance(x, Tensor):
        return isinstance(x._value, jax.core.Tracer)
    if isinstance(x, Variable):
        return isinstance(x._value, jax.core.Tracer)
    return False


def _dynamic(x):
    """Leaves carried as tensors: tensors, arrays and Python/NumPy numbers."""
    if isinstance(x, (Tensor, jax.Array, np.ndarray, np.generic)):
        return True
    return isinstance(x, (bool, int, float, complex)) and not isinstance(x, Undefined)


def split_state(values, names, what):
    """Flattens state values into (tensor leaves, static description)."""
    dyn, static = [], []
    for name, v in zip(names, values):
        leaves = nest.flatten(v, expand_composites=True)  # TensorArray: its buffer
        desc = []
        for leaf in leaves:
            if _dynamic(leaf):
                dyn.append(convert_to_tensor(leaf))
                desc.append(None)
            else:
                desc.append(("S", leaf))
        static.append((v if nest.is_nested(v) or nest._is_composite(v) else None, desc))
    return dyn, static


def merge_state(static, dyn):
    it = iter(dyn)
    out = []
    for struct, desc in static:
        leaves = [next(it) if d is None else d[1] for d in desc]
        out.append(nest.pack_sequence_as(struct, leaves, expand_composites=True)
                   if struct is not None else leaves[0])
    return tuple(out)


def _same_static(a, b):
    if isinstance(a, Undefined) or isinstance(b, Undefined):
        return isinstance(a, Undefined) and isinstance(b, Undefined)
    try:
        return a is b or bool(a == b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return False


def abstract_state(fn, set_state, get_state, init, idx, collect=None):
    """Runs `fn()` once under jax.eval_shape from state `init`; returns {i: abstract value}
    for the state entries `idx` that came out as tensors (or numbers).

    Nothing leaks: variables are restored (`_Scope`), tapes are off, state is reset.
    """
    found = {}

    def once():
        set_state(tuple(init))
        try:
            fn()
        except Exception:  # noqa: BLE001 - the real trace reports the error
            return []
        after = get_state()
        if collect is not None:
            collect(after)
        vals = []
        for i in idx:
            v = after[i]
            leaves = nest.flatten(v)
            if isinstance(v, (Undefined, UndefinedReturnValue)) or not leaves or \
                    not all(_dynamic(x) for x in leaves):
                continue
            found[i] = v
            vals.append([convert_to_tensor(x)._value for x in leaves])
        return vals
    saved = recording.STATE.tapes
    recording.STATE.tapes = []
    try:
        shapes = _Scope().run(lambda: jax.eval_shape(once))[0]
    finally:
        recording.STATE.tapes = saved
        set_state(tuple(init))
    return {i: nest.pack_sequence_as(found[i], leaves)
            for i, leaves in zip([i for i in idx if i in found], shapes)}


def zeros_like_abstract(struct):
    import jax.numpy as jnp
    return nest.map_structure(lambda s: Tensor(jnp.zeros(s.shape, s.dtype)), struct)


# -- if ----------------------------------------------------------------------------

def if_stmt(cond, body, orelse, get_state, set_state, symbol_names, live_names):
    """Runs `body()` if `cond` else `orelse()`; a symbolic tensor cond becomes tf.cond."""
    if not is_graph_tensor(cond):
        return body() if _truth(cond) else orelse()
    _tf_if(cond, body, orelse, get_state, set_state, symbol_names, live_names)


def _truth(c):
    if isinstance(c, (Tensor, Variable)):
        return bool(c)
    return bool(c)


def _tf_if(cond, body, orelse, get_state, set_state, names, live):
    init = get_state()
    keep = [i for i, n in enumerate(names) if n in live]
    kept_names = [names[i] for i in keep]
    statics = {}
    # a return value (or, in a loop, a name) set in only one branch: the other branch
    # gives zeros of its shape, as TF's placeholders do; it is only read where set
    fill = {}
    undefined = [i for i in keep if isinstance(init[i], UndefinedReturnValue)]
    if undefined:
        for fn in (body, orelse):
            for i, v in abstract_state(fn, set_state, get_state, init, undefined).items():
                fill.setdefault(i, v)

    def branch(fn, tag):
        def run():
            set_state(init)
            fn()
            vals = get_state()
            out = [zeros_like_abstract(fill[i]) if i in fill and isinstance(
                vals[i], UndefinedReturnValue) else vals[i] for i in keep]
            for n, v in zip(kept_names, out):
                if isinstance(v, (Undefined, UndefinedReturnValue)):
                    raise ValueError(_one_branch_error(n, tag))
            dyn, static = split_state(out, kept_names, "if")
            statics[tag] = static
            return dyn
        return run
    try:
        outs = tf_cond(cond, branch(body, "if"), branch(orelse, "else"))
    except (TypeError, ValueError) as e:
        if "must also be initialized" in str(e) or not statics.keys() >= {"if", "else"}:
            raise
        _explain_mismatch(kept_names, statics, e)
        raise
    _explain_mismatch(kept_names, statics, None)
    final = list(init)
    for i, v in zip(keep, merge_state(statics["if"], outs if isinstance(outs, list)
                                      else list(outs))):
        final[i] = v
    set_state(tuple(final))


def _one_branch_error(name, defined_in):
    missing = "else" if defined_in == "else" else "if"
    other = "if" if missing == "else" else "else"
    return (f"'{name}' must also be initialized in the {missing} branch: it is assigned in "
            f"the {other} branch of a tensor-dependent `if` inside a tf.function and used "
            f"after it. Define it before the `if` or in both branches.")


def _explain_mismatch(names, statics, err):
    a, b = statics.get("if"), statics.get("else")
    if a is None or b is None:
        return
    for n, (sa, da), (sb, db) in zip(names, a, b):
        kinds_a = [d is None for d in da]
        kinds_b = [d is None for d in db]
        same = kinds_a == kinds_b and all(
            x is None or _same_static(x[1], y[1]) for x, y in zip(da, db))
        if not same or (sa is None) != (sb is None):
            raise ValueError(
                f"'{n}' must have the same type and structure in both branches of a "
                f"tensor-dependent `if` inside a tf.function; the if branch gives "
                f"{_describe(sa, da)}, the else branch {_describe(sb, db)}.") from err
    if err is not None:
        raise ValueError(f"The branches of a tensor-dependent `if` inside a tf.function "
                         f"must give the same dtypes and shapes for {list(names)}. {err}") \
            from None


def _describe(struct, desc):
    parts = ["a tensor" if d is None else repr(d[1]) for d in desc]
    return parts[0] if struct is None and len(parts) == 1 else f"[{', '.join(parts)}]"


def if_exp(cond, if_true, if_false):
    """`a if cond else b`: a symbolic cond becomes tf.cond over the two values."""
    if not is_graph_tensor(cond):
        return if_true() if _truth(cond) else if_false()
    return tf_cond(cond, lambda: convert_to_tensor(if_true()),
                   lambda: convert_to_tensor(if_false()))


# -- logical operators ------------------------------------------------------------

def and_(*fns):
    """Lazy `a and b and ...`: symbolic operands become tf.cond (short-circuits as Python)."""
    value = fns[0]()
    if len(fns) == 1:
        return value
    if is_graph_tensor(value):
        return tf_cond(value, lambda: _as_bool(and_(*fns[1:])), lambda: _as_bool(value))
    return and_(*fns[1:]) if value else value


def or_(*fns):
    """Lazy `a or b or ...`: symbolic operands become tf.cond."""
    value = fns[0]()
    if len(fns) == 1:
        return value
    if is_graph_tensor(value):
        return tf_cond(value, lambda: _as_bool(value), lambda: _as_bool(or_(*fns[1:])))
    return value if value else or_(*fns[1:])


def _as_bool(x):
    t = convert_to_tensor(x)
    return t if t.dtype.name == "bool" else math_ops.cast(t, "bool")


def not_(x):
    """`not x`: tf.logical_not for a symbolic tensor."""
    if is_graph_tensor(x):
        return logic_ops.logical_not(_as_bool(x))
    return not x


# -- assert --------------------------------------------------------------------------

def assert_stmt(cond, msg=None):
    """`assert cond, msg`: Python's assert, or with Feature.ASSERT_STATEMENTS a symbolic
    cond checked when the program runs (tf.debugging.Assert: `assertion failed: [msg]`)."""
    if not is_graph_tensor(cond):
        if not _truth(cond):
            raise AssertionError(msg()) if msg is not None else AssertionError()
        return None
    if not STATUS.assert_tensors:
        return bool(cond)  # TF's default: a symbolic tensor has no Python truth value
    text = str(msg()) if msg is not None else "Assertion error"
    with staged():
        host_assert(_as_bool(cond)._value, [text], [])
    return None


# -- print (Feature.BUILTIN_FUNCTIONS) -------------------------------------------------

def print_(*objects, sep=" ", end="\n", file=None, flush=False):
    """`print` with Feature.BUILTIN_FUNCTIONS on: tf.print when any argument is a tensor."""
    if any(isinstance(o, (Tensor, Variable)) for o in objects):
        return tf_print(*objects, sep=sep, end=end, output_stream=file or sys.stdout)
    return print(*objects, sep=sep, end=end, file=file, flush=flush)


def in_trace():
    return current_trace() is not None
