"""Gradients across a compiled call: one "PartitionedCall" op on the outer tapes.

Its gradient rule calls a second tapeflow.function, the backward: it reruns
the Python function under a GradientTape and returns the gradients for the
float tensor arguments and the float variables the forward used. The
backward is itself a Function, so an outer tape recording it gets another
PartitionedCall: second-order gradients work the same way.
"""
from .. import nest
from ..autodiff.tape import GradientTape, UnconnectedGradients
from ..framework import recording
from ..framework.tensor import Tensor
from .tracing import SLOT, _is_dynamic

__all__ = ["call_recorded"]


def _is_float(dtype):
    return dtype.is_floating or dtype.is_complex


def call_recorded(entry, leaves, vals):
    """Calls `entry` while tapes record; records one op linking inputs to outputs."""
    f = entry.function
    arg_tensors = [x if isinstance(x, Tensor) else Tensor(v)
                   for x, v in zip([x for x in leaves if _dyn(x)], vals)]
    entry.keep_pre = True
    out_vals = entry.call_values(vals)
    rng_before = list(entry.rng_pre)
    float_vars = [v for v in entry.known if _is_float(v.dtype)]
    var_reads = [v._as_tensor() for v in float_vars]  # each tape maps reads to its variable
    result = entry.pack(out_vals)
    outs = [t for t in nest.flatten(result, expand_composites="function") if isinstance(t, Tensor)]
    float_args = [t for t in arg_tensors if _is_float(t.dtype)]
    inputs = tuple(float_args) + tuple(var_reads)
    if outs:
        grad_fn = _make_grad_fn(entry, arg_tensors, float_args, float_vars, outs, rng_before)
        recording.record("PartitionedCall", inputs, tuple(outs), {"f": f._name}, grad_fn)
    return result


def _dyn(x):
    return _is_dynamic(x)


def _make_grad_fn(entry, arg_tensors, float_args, float_vars, outs, rng_before):
    def grad_fn(op, *dys):
        bwd = _backward_function(entry, float_vars)
        float_pos = [i for i, o in enumerate(outs) if _is_float(o.dtype)]
        dys_f = [dys[i] for i in float_pos]
        saved = [(v, v._value) for v, _ in rng_before]
        for v, val in rng_before:  # replay the forward's random numbers
            v._swap_value(val)
        try:
            grads = bwd(list(arg_tensors), dys_f)
        finally:
            for v, val in saved:
                v._swap_value(val)
        return list(grads)
    return grad_fn


def _backward_function(entry, float_vars):
    if entry.backward is not None:
        return entry.backward
    f = entry.function
    args_t, kwargs_t = entry.template
    template = (args_t, kwargs_t)

    def backward(arg_tensors, dys):
        leaves = nest.flatten(template, expand_composites="function")
        it = iter(arg_tensors)
        new = [next(it) if x is SLOT else x for x in leaves]
        args, kwargs = nest.pack_sequence_as(template, new, expand_composites="function")
        float_args = [t for t in arg_tensors if _is_float(t.dtype)]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(float_args)
            for v in float_vars:
                tape.watch(v)
            result = f._python_fn(*args, **kwargs)
        outs = [t for t in nest.flatten(result, expand_composites="function") if isinstance(
            t, Tensor) or hasattr(
            t, "_as_tensor")]
        outs = [o if isinstance(o, Tensor) else o._as_tensor() for o in outs]
        targets = [o for o in outs if _is_float(o.dtype)]
        return tape.gradient(targets, float_args + list(float_vars), output_gradients=dys,
                             unconnected_gradients=UnconnectedGradients.ZERO)

    bwd = type(f)(backward, name=f._name + "_backward")  # a tapeflow.function.Function
    bwd._read_only = True
    entry.backward = bwd
    return bwd
