"""One recurrence, one op: `recurrence(step, carry, xs, params)` over a single `lax.scan`.

`step(carry, x_t, params) -> (new_carry, y_t)` is written in tapeflow ops;
`recurrence` scans it over the leading (time) axis of every leaf of `xs` and
returns `(final_carry, ys)` with the `y_t` stacked on a new leading axis.

- Eagerly the whole scan is ONE call of a jitted jax function (cached per
  `key`, structure, shapes and dtypes), so no Python runs per time step.
- Inside a tapeflow.function the same `lax.scan` is traced into the program;
  it never unrolls (unless `unroll=True`), so programs stay the same size
  whatever the sequence length.
- While a GradientTape records, the scan also saves the carry entering each
  step and is recorded as one "Recurrence" op; its gradient
  (recurrent_grad.py) is the reverse scan, itself a `recurrence`.

`params` are tensors the step reads (weights, dropout masks, constants),
passed to it explicitly; `variables[i]` (optional) are Variables that the step
reads directly: during the step they hold the value of `params[i]`, so a
user-written cell that reads `self.kernel` still sees traced values and gets
gradients.

`key` names what the step computes (default: the step itself); two calls
with the same key must trace to the same program for same-shaped inputs, so
a later call may run the program traced with an earlier call's step and
variables (which then hold the later call's params while it runs).

>>> import tapeflow as tf
>>> step = lambda c, x, p: (c + x * p[0], c)
>>> final, ys = recurrence(step, tf.constant(0.0), tf.constant([1.0, 2.0, 3.0]),
...                        [tf.constant(2.0)])
>>> float(final), ys.numpy()
(12.0, array([0., 2., 6.], dtype=float32))
"""
import collections

import jax
from jax import lax

from .. import nest
from ..framework.context import current_trace, staged
from ..framework.recording import DIFFERENTIABLE, record, recording_tapes, stop_recording
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.variables import HOOKS

__all__ = ["recurrence"]

_JITTED = collections.OrderedDict()  # eager programs, least recently used first
_MAX_JITTED = 256


def _tensor(x):
    if type(x) is Tensor:
        return x
    if hasattr(x, "_as_tensor"):
        return x._as_tensor()
    return convert_to_tensor(x)


def is_float(t):
    return t._value.dtype in DIFFERENTIABLE


def template(struct):
    """The structure of `struct` with placeholder leaves (no arrays kept alive)."""
    return nest.map_structure(lambda _: 0, struct)


def pack(tmpl, values):
    return nest.pack_sequence_as(tmpl, [Tensor(v) if not isinstance(v, Tensor) else v
                                        for v in values])


class bind_variables:  # noqa: N801 - context manager
    """Makes `variables[i]` hold `params[i]`'s value for the duration of a step."""

    def __init__(self, variables, params):
        self.pairs = list(zip(variables, params))

    def __enter__(self):
        self.hook, HOOKS.access = HOOKS.access, None  # reads inside a step are not the trace's
        self.saved = [(v, v._swap_value(p._value)) for v, p in self.pairs]
        return self

    def __exit__(self, *exc):
        for v, value in self.saved:
            v._swap_value(value)
        HOOKS.access = self.hook
        return False


def _forward(step, variables, c_tmpl, x_tmpl, reverse, unroll, save, out):
    """The pure jax function (carry leaves, xs leaves, params) -> (final, ys[, saved])."""
    def run(cv, xv, pv):
        def body(c, x):
            params = [Tensor(v) for v in pv]
            with stop_recording(), bind_variables(variables, params), \
                    jax.ensure_compile_time_eval():
                new_c, y = step(pack(c_tmpl, c), pack(x_tmpl, x), params)
            new_leaves = [_tensor(t)._value for t in nest.flatten(new_c)]
            if len(new_leaves) != len(c):
                raise ValueError(f"The recurrent step returned {len(new_leaves)} state "
                                 f"tensors; it received {len(c)}.")
            for a, b in zip(c, new_leaves):
                if a.shape != b.shape or a.dtype != b.dtype:
                    raise ValueError(f"A recurrent state changes from shape {tuple(a.shape)} "
                                     f"{a.dtype} to {tuple(b.shape)} {b.dtype} in one step; "
                                     "it must keep its shape and dtype.")
            out["y"] = template(y)
            y_leaves = [_tensor(t)._value for t in nest.flatten(y)]
            return new_leaves, ((y_leaves, list(c)) if save else (y_leaves, []))
        with staged():
            final, (ys, saved) = lax.scan(body, list(cv), list(xv), reverse=reverse,
                                          unroll=bool(unroll))
        return final, ys, saved
    return run


def _program(step, variables, c_tmpl, x_tmpl, n_params, reverse, unroll, save, key):
    """(function, out) for one recurrence: jitted and cached eagerly, plain when traced."""
    if current_trace() is not None:
        out = {}
        return _forward(step, variables, c_tmpl, x_tmpl, reverse, unroll, save, out), out
    k = (step if key is None else key, repr(c_tmpl), repr(x_tmpl), n_params, len(variables),
         bool(reverse), bool(unroll), save)
    hit = _JITTED.get(k)
    if hit is None:
        out = {}
        hit = (jax.jit(_forward(step, variables, c_tmpl, x_tmpl, reverse, unroll, save, out)),
               out)
        _JITTED[k] = hit
        if len(_JITTED) > _MAX_JITTED:
            _JITTED.popitem(last=False)
    else:
        _JITTED.move_to_end(k)
    return hit


def recurrence(step, carry, xs, params=(), variables=(), reverse=False, unroll=False,
               key=None):
    """Scans `step(carry, x_t, params) -> (carry, y_t)` over axis 0 of `xs` as one op.

    Returns `(final_carry, ys)`. See the module docstring.
    """
    carry = nest.map_structure(_tensor, carry)
    xs = nest.map_structure(_tensor, xs)
    params = [_tensor(p) for p in params]
    variables = list(variables)
    if len(variables) > len(params):
        raise ValueError(f"recurrence: {len(variables)} variables but only {len(params)} "
                         "params to bind them to.")
    c_leaves, x_leaves = nest.flatten(carry), nest.flatten(xs)
    if not x_leaves:
        raise ValueError("recurrence: `xs` must contain at least one tensor.")
    steps = {x._value.shape[0] if x._value.ndim else None for x in x_leaves}
    if len(steps) != 1 or None in steps:
        raise ValueError("recurrence: every tensor in `xs` needs the same leading (time) "
                         f"dimension; got shapes {[tuple(x.shape) for x in x_leaves]}.")
    if 0 in steps:
        raise ValueError("recurrence: the sequence is empty (0 time steps).")
    ins = [t for t in c_leaves + x_leaves + params if is_float(t)]
    save = bool(ins) and bool(recording_tapes())
    c_tmpl, x_tmpl = template(carry), template(xs)
    fn, out = _program(step, variables, c_tmpl, x_tmpl, len(params), reverse, unroll, save,
                       key)
    final_v, ys_v, saved_v = fn([t._value for t in c_leaves], [t._value for t in x_leaves],
                                [p._value for p in params])
    final = [Tensor(v) for v in final_v]
    ys = [Tensor(v) for v in ys_v]
    result = nest.pack_sequence_as(c_tmpl, final), nest.pack_sequence_as(out["y"], ys)
    if save:
        saved = [Tensor(v) for v in saved_v]
        f_final = [t for t in final if is_float(t)]
        f_ys = [t for t in ys if is_float(t)]
        outs = f_final + f_ys + [t for t in saved if is_float(t)]
        if f_final or f_ys:
            attrs = {"step": step, "variables": variables, "params": params, "xs": x_leaves,
                     "saved": saved, "c_tmpl": c_tmpl, "x_tmpl": x_tmpl,
                     "n_final": len(f_final), "n_ys": len(f_ys), "reverse": bool(reverse),
                     "unroll": unroll, "key": step if key is None else key}
            record("Recurrence", tuple(ins), tuple(outs), attrs)
    return result
