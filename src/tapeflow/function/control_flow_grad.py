"""Differentiable compiled control flow: one recorded "Cond" op per traced tf.cond.

Inside a tapeflow.function, a `tf.cond` whose branches read tensors that a
recording GradientTape watches is recorded as ONE op. Its forward is a
single `lax.cond` (only the taken branch's side effects happen). Its inputs
are the watched tensors the branches read (found by a dry run of each branch
under a private tape, traced into a throw-away jaxpr so nothing it does
reaches the program) plus one read of every float Variable they read. Its
gradient is again a `tf.cond` choosing between the two branches' gradients,
each computed by a tapeflow GradientTape rerunning that branch, so outer
tapes record the backward pass and second order works.

A `tf.while_loop` without `maximum_iterations` inside a tapeflow.function
is recorded as a "While" op whose gradient raises a clear error: reverse
mode through an unbounded compiled loop needs a static trip-count bound.

>>> import tapeflow as tf
>>> @tf.function
... def f(x):
...     with tf.GradientTape() as t:
...         t.watch(x)
...         y = tf.cond(x > 0, lambda: x * x, lambda: -x)
...     return t.gradient(y, x)
>>> float(f(tf.constant(3.0)))
6.0
"""
import jax

from .. import nest
from ..autodiff.tape import GradientTape, UnconnectedGradients
from ..framework import errors, recording
from ..framework.tensor import Tensor, convert_to_tensor

__all__ = ["recorded_cond", "record_undifferentiable_while", "discover"]


class _WatchAll(dict):
    """A tape's watch set that contains every tensor: the private tape records every op."""

    def __contains__(self, key):
        return True


def _float(t):
    return t._value.dtype in recording.DIFFERENTIABLE


def _outer_watched():
    ids = {}
    for tape in recording.recording_tapes():
        ids.update(tape._watched)
    return ids


def discover(fns, scope, args=()):
    """(tensors, variables) that `fn(*args)` for fn in fns reads and outer tapes may need.

    The functions run once each under a private tape inside a throw-away
    jaxpr (`args` are abstract shapes there), so nothing they do reaches the
    program and variables keep their values.
    """
    watched = _outer_watched()
    caps, cap_ids, variables, var_ids = [], set(), [], set()

    def dry(fn, vals):
        with recording.stop_recording():
            tape = GradientTape(watch_accessed_variables=True)
            tape._watched = _WatchAll()
            with tape:
                scope.run(lambda: fn(*vals))
        produced = {id(o) for rec in tape._records for o in rec.outputs}
        for rec in tape._records:
            for x in rec.inputs:
                k = id(x)
                if k in watched and k not in produced and k not in cap_ids and _float(x):
                    cap_ids.add(k)
                    caps.append(x)
        for v in tape._watched_vars.values():
            if id(v) not in var_ids and v._value.dtype in recording.DIFFERENTIABLE:
                var_ids.add(id(v))
                variables.append(v)

    def all_fns(*vals):
        for fn in fns:
            dry(fn, vals)
        return 0
    jax.make_jaxpr(all_fns)(*args)
    return caps, variables


def _branch_grad(fn, caps, variables, dys):

    def grad():
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(caps)
            for v in variables:
                tape.watch(v)
            res = fn()
        outs = [convert_to_tensor(o) for o in nest.flatten(res) if o is not None]
        outs = [o for o in outs if _float(o)]
        grads = tape.gradient(outs, list(caps) + list(variables), output_gradients=list(dys),
                              unconnected_gradients=UnconnectedGradients.ZERO)
        return list(grads)
    return grad


def recorded_cond(pred, true_fn, false_fn, keep_state, plain_cond, traced_cond, scope_cls):
    """`plain_cond(pred, ...)` (a lax.cond) recorded on the tapes as one "Cond" op.

    Its gradient calls `traced_cond`, so an outer tape records it in turn; a
    gradient rerun never keeps the branches' variable assignments.

    >>> # used by tf.cond inside a trace while a tape records
    """
    caps, variables = discover([true_fn, false_fn], scope_cls())
    reads = [v._as_tensor() for v in variables]
    with recording.stop_recording():
        result = plain_cond(pred, true_fn, false_fn, keep_state)
    outs = [o for o in nest.flatten(result) if isinstance(o, Tensor) and _float(o)]
    inputs = tuple(caps) + tuple(reads)
    if not outs or not inputs:
        return result

    def grad_fn(op, *dys):
        grads = traced_cond(pred, _branch_grad(true_fn, caps, variables, dys),
                         _branch_grad(false_fn, caps, variables, dys), False)
        return list(grads)
    recording.record("Cond", inputs, tuple(outs), {}, grad_fn)
    return result


def record_undifferentiable_while(lv, run, body, scope):
    """Runs `run()` (a lax.while_loop) untaped; records a "While" op whose gradient raises.

    Its inputs are the float loop variables, the watched tensors `body(vals)`
    reads and its float Variables, so any gradient through the loop explains
    why it cannot be computed instead of silently being None.
    """
    abstract = [None if x is None else jax.ShapeDtypeStruct(x._value.shape, x._value.dtype)
                for x in nest.flatten(lv, expand_composites=True)]
    caps, variables = discover([body], scope, (abstract,))
    reads = [v._as_tensor() for v in variables]
    with recording.stop_recording():
        result = run()
    ins = tuple(x for x in nest.flatten(lv, expand_composites=True)
                if isinstance(x, Tensor) and _float(x))
    ins = ins + tuple(caps) + tuple(reads)
    outs = tuple(x for x in nest.flatten(result, expand_composites=True)
                 if isinstance(x, Tensor) and _float(x))
    if ins and outs:
        recording.record("While", ins, outs, {}, _while_grad)
    return result


def _while_grad(op, *dys):
    raise errors.invalid_argument(
        "tf.while_loop inside a tapeflow.function cannot be differentiated without "
        "maximum_iterations: XLA compiles loops with static shapes, so reverse mode "
        "needs a bound on the trip count. Pass maximum_iterations=N (the loop is then "
        "unrolled to N steps for the gradient).", "While")
