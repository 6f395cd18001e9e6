"""Control flow: tf.cond, case, switch_case, while_loop (map_fn & scans: functional_ops.py).

Eagerly (or whenever the predicate is a concrete value) they run plain
Python, so tapes record the branch or loop that ran. Inside a
tapeflow.function they lower to lax.cond / lax.switch / lax.while_loop /
lax.scan; the trace's variables travel through them as extra operands, so
assignments (and random ops) inside branches and loop bodies work.

When a GradientTape records inside a trace, a cond is recorded as one
"Cond" op over a single lax.cond (control_flow_grad.py), so only the taken
branch runs; a while_loop with a static maximum_iterations is unrolled, and
one without it raises a clear error when differentiated.

>>> import tapeflow as tf
>>> float(tf.cond(tf.constant(True), lambda: 1.0, lambda: 2.0))
1.0
"""
import jax
import jax.numpy as jnp
from jax import lax

from .. import nest
from ..framework.context import current_trace, staged
from ..framework.errors import invalid_argument
from ..framework.recording import recording_tapes
from ..framework.tensor import Tensor, convert_to_tensor
from ..ops import array_ops, logic_ops
from .control_flow_grad import record_undifferentiable_while, recorded_cond

__all__ = ["cond", "case", "switch_case", "while_loop"]


# -- helpers -------------------------------------------------------------------

def _is_traced(v):
    return isinstance(v, jax.core.Tracer)


def _t(x):
    return x if type(x) is Tensor else convert_to_tensor(x)


def _vals(struct):
    return [None if x is None else _t(x)._value
            for x in nest.flatten(struct, expand_composites=True)]


def _pack(struct, vals):
    return nest.pack_sequence_as(struct, [None if v is None else Tensor(v) for v in vals],
                                 expand_composites=True)


class _Scope:
    """Runs a branch/body with the trace's variables set to given values, then restores them."""

    def __init__(self):
        ctx = current_trace()
        self.ctx = ctx
        self.state = list(ctx.known) if ctx is not None else []

    def values(self):
        return [v._value for v in self.state]

    def run(self, fn, state_vals=None):
        saved = self.values()
        if state_vals is not None:
            self._set(state_vals)
        if self.ctx is not None:
            self.ctx.cf_depth += 1
        try:
            with jax.ensure_compile_time_eval():  # static shapes stay concrete in bodies
                result = fn()
            return result, self.values()
        finally:
            if self.ctx is not None:
                self.ctx.cf_depth -= 1
            self._set(saved)

    def _set(self, vals):
        for v, val in zip(self.state, vals):
            v._swap_value(val)


def _struct_error(what, e):
    return ValueError(f"{what} must have the same number, type, and overall structure of "
                      f"return values (dtypes and shapes included). {e}")


# -- cond / case / switch_case ---------------------------------------------------

def cond(pred, true_fn=None, false_fn=None, name=None):
    """Runs `true_fn()` if `pred` else `false_fn()` (`tf.cond`).

    >>> cond(1 < 2, lambda: "yes", lambda: "no")
    'yes'
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    p = pred if isinstance(pred, bool) else _t(pred)._value
    if not _is_traced(p):
        return true_fn() if bool(p) else false_fn()
    if p.shape != ():
        raise ValueError(f"pred must be a scalar boolean, got shape {list(p.shape)}")
    return _traced_cond(p.astype(bool), true_fn, false_fn, True)


def _plain_cond(p, true_fn, false_fn, keep_state):
    return _lax_branches(p, [false_fn, true_fn], "true_fn and false_fn", True, keep_state)


def _traced_cond(p, true_fn, false_fn, keep_state):
    """lax.cond; under a recording tape, one "Cond" op (see control_flow_grad.py)."""
    if recording_tapes():
        return recorded_cond(p, true_fn, false_fn, keep_state, _plain_cond, _traced_cond,
                             _Scope)
    return _plain_cond(p, true_fn, false_fn, keep_state)


def _lax_branches(index, fns, what, is_pred=False, keep_state=True):
    scope = _Scope()
    structs = []

    def make(fn):
        def branch():
            out, new_state = scope.run(fn)
            structs.append(out)
            return _vals(out), new_state
        return branch
    try:
        with staged():
            if is_pred:
                outs, new_state = lax.cond(index, make(fns[1]), make(fns[0]))
            else:
                outs, new_state = lax.switch(index, [make(f) for f in fns])
    except TypeError as e:
        raise _struct_error(what, e) from None
    for s in structs[1:]:
        nest.assert_same_structure(structs[0], s, check_types=False)
    if keep_state:
        scope._set(new_state)
    return _pack(structs[0], outs)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The fn of the first true predicate, else `default()` (`tf.case`).

    >>> import tapeflow as tf
    >>> x = tf.constant(3)
    >>> int(case([(x < 2, lambda: tf.constant(0)), (x < 5, lambda: tf.constant(1))],
    ...          default=lambda: tf.constant(2)))
    1
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for p in pairs:
        if not (isinstance(p, tuple) and len(p) == 2 and callable(p[1])):
            raise TypeError(f"Each entry in pred_fn_pairs must be a (predicate, callable) "
                            f"tuple. Received: {p!r}")
    if default is None:
        if not pairs:
            raise ValueError("case needs at least one (predicate, fn) pair or a default.")
        pairs, default = pairs[:-1], pairs[-1][1]
    if exclusive:
        vals = [_t(p)._value for p, _ in pairs]
        if not any(_is_traced(v) for v in vals) and sum(bool(v) for v in vals) > 1:
            raise invalid_argument("Input error: exclusive=True and more than one predicate "
                                   "evaluated as True.", "Case")

    def build(i):
        if i == len(pairs):
            return default()
        p, f = pairs[i]
        return cond(p, f, lambda: build(i + 1))
    return build(0)


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs `branch_fns[branch_index]()`; out of range runs `default` (or the last branch).

    >>> int(switch_case(1, [lambda: 10, lambda: 20]))
    20
    """
    if isinstance(branch_fns, dict):
        items = sorted(branch_fns.items())
    elif branch_fns and isinstance(branch_fns[0], tuple):
        items = sorted(branch_fns)
    else:
        items = list(enumerate(branch_fns))
    if [k for k, _ in items] != list(range(len(items))):
        raise ValueError(f"branch_fns keys must be 0..{len(items) - 1}. Received keys: "
                         f"{[k for k, _ in items]}")
    fns = [f for _, f in items]
    default = default or fns[-1]
    i = _t(branch_index)._value
    if not _is_traced(i):
        i = int(i)
        return fns[i]() if 0 <= i < len(fns) else default()
    if recording_tapes():
        pairs = [(logic_ops.equal(Tensor(i), k), f) for k, f in enumerate(fns)]
        return case(pairs, default=default)
    n = len(fns)
    idx = jnp.where((i >= 0) & (i < n), i, n).astype(jnp.int32)
    return _lax_branches(idx, fns + [default], "branch_fns")


# -- while_loop ------------------------------------------------------------------

def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats `body` while `cond` is true (`tf.while_loop`); returns the final loop_vars.

    Inside a tapeflow.function the loop compiles to one lax.while_loop. XLA
    needs static shapes, so a compiled loop can only be differentiated when
    `maximum_iterations` is a Python int (the gradient then unrolls that many
    guarded steps); differentiating one without it raises InvalidArgumentError.
    Eagerly, loops are always differentiable.

    >>> import tapeflow as tf
    >>> i, s = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (0, 0))
    >>> int(s)
    6
    """
    single = not isinstance(loop_vars, (list, tuple))
    cond_fn, body_fn = cond, body

    def call(f, lv):
        r = f(lv) if single else f(*lv)
        if f is body and not single and not isinstance(r, (list, tuple)) and len(lv) == 1:
            r = type(lv)([r]) if not hasattr(lv, "_fields") else r
        return r
    lv = nest.map_structure(lambda x: None if x is None else _t(x), loop_vars,
                            expand_composites=True)  # TensorArray loop variables
    if maximum_iterations is not None:
        maximum_iterations = int(_t(maximum_iterations)._value) if not _is_traced(
            _t(maximum_iterations)._value) else _t(maximum_iterations)._value
    if current_trace() is None:
        return _eager_while(call, cond_fn, body_fn, lv, maximum_iterations)
    if recording_tapes():
        if isinstance(maximum_iterations, int):
            return _unrolled_while(call, cond_fn, body_fn, lv, maximum_iterations)
        return record_undifferentiable_while(
            lv, lambda: _lax_while(call, cond_fn, body_fn, lv, maximum_iterations),
            lambda vals: call(body_fn, _pack(lv, vals)), _Scope())
    return _lax_while(call, cond_fn, body_fn, lv, maximum_iterations)


def _check_body(lv, new):
    try:
        nest.assert_same_structure(lv, new, check_types=False, expand_composites=True)
    except (TypeError, ValueError) as e:
        raise ValueError(f"body of tf.while_loop must return the same structure as "
                         f"loop_vars. {e}") from None
    for a, b in zip(nest.flatten(lv, expand_composites=True),
                    nest.flatten(new, expand_composites=True)):
        if a is not None and _t(a).dtype != _t(b).dtype:
            raise TypeError(f"Loop variable changes dtype in tf.while_loop: enters as "
                            f"{_t(a).dtype.name}, leaves the body as {_t(b).dtype.name}.")


def _eager_while(call, cond_fn, body_fn, lv, max_iter):
    i = 0
    while (max_iter is None or i < max_iter) and bool(_t(call(cond_fn, lv))):
        new = call(body_fn, lv)
        _check_body(lv, new)
        lv = nest.map_structure(lambda x: None if x is None else _t(x), new,
                                expand_composites=True)
        i += 1
    return lv


def _unrolled_while(call, cond_fn, body_fn, lv, max_iter):
    scope = _Scope()
    active = convert_to_tensor(True)
    for _ in range(max_iter):
        active = logic_ops.logical_and(active, _t(call(cond_fn, lv)))
        old_state = scope.values()
        new = call(body_fn, lv)
        _check_body(lv, new)
        a = active
        lv = nest.map_structure(
            lambda o, n: None if o is None else array_ops.where(a, _t(n), _t(o)), lv, new,
            expand_composites=True)
        scope._set([jnp.where(a._value, n, o) for o, n in zip(old_state, scope.values())])
    return lv


def _lax_while(call, cond_fn, body_fn, lv, max_iter):
    scope = _Scope()
    init = _vals(lv)

    def c(carry):
        i, vals, state = carry
        p, _ = scope.run(lambda: call(cond_fn, _pack(lv, vals)), state)
        p = _t(p)._value.astype(bool)
        return p if max_iter is None else jnp.logical_and(p, i < max_iter)

    def b(carry):
        i, vals, state = carry
        new, new_state = scope.run(lambda: call(body_fn, _pack(lv, vals)), state)
        _check_body(lv, new)
        nv = _vals(new)
        for old, v in zip(vals, nv):
            if old is not None and old.shape != v.shape:
                raise ValueError(
                    f"Input tensor enters the loop with shape {tuple(old.shape)}, but has "
                    f"shape {tuple(v.shape)} after one iteration. tapeflow compiles loops "
                    "with fixed shapes: shape_invariants with None dimensions are not "
                    "supported inside tapeflow.function.")
        return i + 1, nv, new_state
    with staged():
        _, out, state = lax.while_loop(c, b, (jnp.asarray(0, jnp.int32), init, scope.values()))
    scope._set(state)
    return _pack(lv, out)
