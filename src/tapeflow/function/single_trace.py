"""One Python trace for a function's first call, even when it meets new Variables.

The first trace of a function does not know which Variables the function
reads. Variables met mid-trace are staged (`tracing._stage`): their value in
the trace is `optimization_barrier(value)` of a constant. Instead of tracing
the Python function again with those variables as inputs, the trace is
recorded once with `jax.make_jaxpr` and its program is *rewired*: each staged
variable's constant becomes a program input, and the variables' final values
become outputs. Compiling the rewired program only re-evaluates the recorded
primitives (no tapeflow Python runs again), so the first call costs one
trace plus one compile, like a hand-written `jax.jit`. The recording holds
for the recorded argument shapes only: when jax retraces the program for other
shapes (a signature with None dimensions), the Python function is traced.

Whenever the recording cannot be rewired (variables created by the trace —
TF's second trace is what raises for a function that creates variables on
every call —, a variable first met inside a compiled cond/loop body, a staged
value jax folded away, an error), `Entry.trace` falls back to tracing again
with the discovered variables as inputs.

>>> import tapeflow as tf
>>> v = tf.Variable(2.0)
>>> f = tf.function(lambda x: v.assign_add(x) * 1.0)
>>> float(f(tf.constant(1.0))), float(v)
(3.0, 3.0)
"""
import jax
from jax import core

from . import tracing  # module import: tracing.py imports this module too
from .fast_call import flat_jit, invoke

__all__ = ["STAGED", "trace_once"]

STAGED = {}  # id(constant staged for a variable) -> variable, during one recording


def trace_once(entry, known, written, allow, arg_vals, donate):
    """(result, jitted, known, written, run) from one recorded trace; (known, written) to
    trace again with the variables it met (it created some); None to fall back."""
    f = entry.function
    run = {"reuse": True}
    pure = entry._pure(known, written, allow, run, True)
    w_vars, r_vars = tracing._partition(known, written)
    STAGED.clear()
    try:
        closed = jax.make_jaxpr(pure)([v._value for v in w_vars], [v._value for v in r_vars],
                                      arg_vals)
    except Exception:  # noqa: BLE001 - Retrace, eager first call, user errors: trace again
        return None
    finally:
        staged = dict(STAGED)
        STAGED.clear()
    ctx = run["ctx"]
    if getattr(ctx, "runtime_checks", False):  # a failed check must leave the buffers
        f._checks, donate = True, False
    if ctx.created:  # TF traces again without creation: that trace raises if it re-creates
        f._created_any = True
        found = known + [v for v in ctx.discovered + ctx.created
                         if all(v is not k for k in known)]
        wids = {id(known[i]) for i in run["order"]} | run["dwrites"]
        return found, [i for i, v in enumerate(found) if id(v) in wids]
    new_vars = [v for v in ctx.discovered if all(v is not k for k in known)]
    const_of = {}
    for i, c in enumerate(closed.consts):
        var = staged.get(id(c))
        if var is not None:
            const_of[id(var)] = i
    if any(id(v) not in const_of for v in new_vars):
        return None  # a staged value did not survive as a constant: trace again
    all_vars = known + new_vars
    wids = {id(known[i]) for i in run["order"]} | run["dwrites"]
    written2 = [i for i, v in enumerate(all_vars) if id(v) in wids]
    n_out = len(closed.jaxpr.outvars)
    n_known_out = len(run["order"])
    n_new_out = len(new_vars)
    n_outs = n_out - n_known_out - n_new_out
    jaxpr, consts = closed.jaxpr, list(closed.consts)
    known_pos = {id(v): i for i, v in enumerate(known)}
    order_pos = {i: k for k, i in enumerate(run["order"])}
    n_known = len(known)
    ws = set(written2)

    recorded = [(tuple(a.shape), a.dtype) for a in arg_vals]
    run2 = {}
    python_pure = entry._pure(all_vars, written2, False, run2, True)

    def rewired(w_vals, r_vals, args):
        if [(tuple(a.shape), a.dtype) for a in args] != recorded:
            return python_pure(w_vals, r_vals, args)  # other shapes: trace the Python
        vals = {}
        for idx, val in zip(written2, w_vals):
            vals[idx] = val
        for idx, val in zip([i for i in range(len(all_vars)) if i not in ws], r_vals):
            vals[idx] = val
        cs = list(consts)
        for j, v in enumerate(new_vars):
            cs[const_of[id(v)]] = vals[n_known + j]
        old_w = [vals[i] for i in written]
        old_r = [vals[i] for i in range(n_known) if i not in set(written)]
        flat_in = jax.tree_util.tree_leaves((old_w, old_r, list(args)))
        out = core.eval_jaxpr(jaxpr, cs, *flat_in)
        outs = out[:n_outs]
        known_new = out[n_outs:n_outs + n_known_out]
        new_final = out[n_outs + n_known_out:]
        final = []
        for i in written2:
            v = all_vars[i]
            if i < n_known and i in order_pos:
                final.append(known_new[order_pos[i]])
            elif i >= n_known:
                final.append(new_final[i - n_known])
            else:
                final.append(vals[known_pos[id(v)]])
        return list(outs), final
    w2, r2 = tracing._partition(all_vars, written2)
    jitted = flat_jit(rewired, len(w2), len(r2), donate)
    entry._keep_rng(w2 + r2)
    run2.setdefault("ctx", ctx)
    run2["order"] = written2
    try:
        res = invoke(jitted, tracing._donatable(w2) if donate else [v._value for v in w2],
                     [v._value for v in r2], arg_vals)
    except Exception:  # compiled, failed while running: later calls run this program
        entry.install(all_vars, written2, jitted, run2, written2)
        raise
    return res, jitted, all_vars, written2, run2
