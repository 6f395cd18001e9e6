"""Differentiable compiled scans: one recorded "Scan" op per traced map_fn/scan/fold.

Inside a tapeflow.function, while a GradientTape records, a scan is ONE
`lax.scan` (never unrolled) that also saves the carry entering every step.
It is recorded as one "Scan" op whose inputs are the float leaves of the
initial carry and of `elems`, the watched tensors the step reads, and one
read of every float Variable it reads. Its gradient is another scan, in the
opposite direction, whose step recomputes the forward step from the saved
carry under a tapeflow GradientTape and takes its vector-Jacobian product;
it goes through the same code, so outer tapes record it (second order).

>>> import tapeflow as tf
>>> @tf.function
... def f(x):
...     with tf.GradientTape() as t:
...         t.watch(x)
...         y = tf.reduce_sum(tf.map_fn(lambda e: e * e, x))
...     return t.gradient(y, x)
>>> f(tf.constant([1.0, 2.0])).numpy()
array([2., 4.], dtype=float32)
"""
import jax

from .. import nest
from ..autodiff.tape import GradientTape, UnconnectedGradients
from ..framework import recording
from ..framework.tensor import Tensor, convert_to_tensor
from ..ops import array_ops
from .control_flow import _pack
from .control_flow_grad import discover

__all__ = ["recorded_scan"]


def _float(t):
    return isinstance(t, Tensor) and t._value.dtype in recording.DIFFERENTIABLE


def _floats(struct):
    return [x for x in nest.flatten(struct) if _float(x)]


def _abstract(struct, drop_lead=False):
    leaves = [None if x is None else x._value for x in nest.flatten(struct)]
    return [None if v is None else jax.ShapeDtypeStruct(v.shape[1:] if drop_lead else v.shape,
                                                         v.dtype) for v in leaves]


def _read(struct):
    """Tensors for every leaf; a Variable leaf becomes one read (tapes map it back)."""
    return nest.map_structure(
        lambda x: None if x is None else x._as_tensor() if hasattr(x, "_as_tensor")
        else convert_to_tensor(x), struct)


def recorded_scan(step, carry, elems, reverse, lax_scan, scan, scope_cls, keep_state=True):
    """`lax_scan(step, carry, elems, reverse)` recorded as one "Scan" op.

    `scan` is the traced scan entry point (used for the gradient, so that it
    is recorded in turn); gradient reruns never keep variable assignments.
    """
    carry, elems = _read(carry), _read(elems)

    def dry_step(cv, xv):
        return step(_pack(carry, cv), _pack(elems, xv))
    caps, variables = discover([dry_step], scope_cls(),
                               (_abstract(carry), _abstract(elems, True)))
    reads = [v._as_tensor() for v in variables]

    def saving_step(c, x):
        new_c, y = step(c, x)
        return new_c, (y, c)
    with recording.stop_recording():
        final, (ys, saved) = lax_scan(saving_step, carry, elems, reverse, keep_state)
    ins = tuple(_floats(carry) + _floats(elems) + caps + reads)
    outs = tuple(_floats(final) + _floats(ys) + _floats(saved))
    if not ins or not _floats(final) + _floats(ys):
        return final, ys
    n_c, n_y = len(_floats(final)), len(_floats(ys))

    def grad_fn(op, *dys):
        return _scan_grad(step, saved, elems, dys[:n_c], dys[n_c:n_c + n_y], dys[n_c + n_y:],
                          caps, variables, reads, reverse, scan)
    recording.record("Scan", ins, outs, {}, grad_fn)
    return final, ys


def _scan_grad(step, saved, elems, d_final, d_ys, d_saved, caps, variables, reads, reverse,
               scan):
    """Gradients of the "Scan" op's inputs: a scan in the other direction.

    The saved carries are outputs too (an outer tape differentiating this
    gradient needs them), so their gradients `d_saved` join the carry's.
    """
    wrt_extra = list(caps) + list(variables)

    def grad_step(acc, inp):
        dc, dcap = acc
        c_k, x_k, dy_k, ds_k = inp
        fc, fx = _floats(c_k), _floats(x_k)
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(fc + fx + list(caps))
            for v in variables:
                tape.watch(v)
            new_c, y = step(c_k, x_k)
        targets = [convert_to_tensor(t) for t in nest.flatten(new_c) + nest.flatten(y)
                   if t is not None]
        targets = [t for t in targets if _float(t)]
        grads = tape.gradient(targets, fc + fx + wrt_extra,
                              output_gradients=list(dc) + list(dy_k),
                              unconnected_gradients=UnconnectedGradients.ZERO)
        n_c, n_x = len(fc), len(fx)
        new_cap = [a + b for a, b in zip(dcap, grads[n_c + n_x:])]
        new_dc = [g + d for g, d in zip(grads[:n_c], ds_k)]
        return (new_dc, new_cap), list(grads[n_c:n_c + n_x])
    init = (list(d_final), [array_ops.zeros_like(t) for t in list(caps) + list(reads)])
    (d_init, d_caps), d_elems = scan(grad_step, init, (saved, elems, list(d_ys), list(d_saved)),
                                     not reverse, False)
    return list(d_init) + list(d_elems) + list(d_caps)
