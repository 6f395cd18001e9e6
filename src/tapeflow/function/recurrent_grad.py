"""Gradient of the "Recurrence" op (recurrent_ops.py): the reverse scan.

The forward scan saved the carry entering every step. The gradient scans
the steps in the opposite direction; each gradient step reruns the forward
step from its saved carry under a tapeflow GradientTape and takes the
vector-Jacobian product, carrying the state's gradient backwards and summing
the params' gradients. The gradient scan is itself a `recurrence`, so it is
one jitted call eagerly, one `lax.scan` when traced, and an outer tape
records it (second order).

>>> import tapeflow as tf
>>> from tapeflow.function.recurrent_ops import recurrence
>>> w = tf.constant(2.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(w)
...     final, _ = recurrence(lambda c, x, p: (c * p[0] + x, ()), tf.constant(1.0),
...                           tf.constant([0.0, 0.0]), [w])
>>> float(tape.gradient(final, w))  # d(w * w)/dw
4.0
"""
from .. import nest
from ..autodiff.tape import GradientTape, UnconnectedGradients
from ..framework.gradient_registry import RegisterGradient
from ..ops import array_ops
from .recurrent_ops import is_float, pack, recurrence

__all__ = []


def _grad_step(step, variables, c_tmpl, x_tmpl, c_float, x_float, p_float):
    """The reverse step: (d_carry, d_params), (saved c_k, x_k, dy_k, d_saved_k) -> d_x_k."""

    def grad_step(acc, inp, params):
        d_carry, d_params = acc
        c_leaves, x_leaves, dy_k, ds_k = inp
        fc = [t for t, f in zip(c_leaves, c_float) if f]
        fx = [t for t, f in zip(x_leaves, x_float) if f]
        fp = [t for t, f in zip(params, p_float) if f]
        fv = [v for v, f in zip(variables, p_float) if f]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(fc + fx + fp)
            for v in fv:
                tape.watch(v)
            new_c, y = step(pack(c_tmpl, c_leaves), pack(x_tmpl, x_leaves), params)
        targets = [t for t in nest.flatten(new_c) + nest.flatten(y) if is_float(t)]
        grads = tape.gradient(targets, fc + fx + fp + fv,
                              output_gradients=list(d_carry) + list(dy_k),
                              unconnected_gradients=UnconnectedGradients.ZERO)
        n_c, n_x, n_p = len(fc), len(fx), len(fp)
        g_p = list(grads[n_c + n_x:n_c + n_x + n_p])
        for i, g in enumerate(grads[n_c + n_x + n_p:]):
            g_p[i] = g_p[i] + g
        new_dc = [g + d for g, d in zip(grads[:n_c], ds_k)]
        new_dp = [a + b for a, b in zip(d_params, g_p)]
        return (new_dc, new_dp), list(grads[n_c:n_c + n_x])
    return grad_step


@RegisterGradient("Recurrence")
def _recurrence_grad(op, *dys):
    a = op.attrs
    n_final, n_ys = a["n_final"], a["n_ys"]
    d_final, d_ys, d_saved = dys[:n_final], dys[n_final:n_final + n_ys], dys[n_final + n_ys:]
    saved, xs, params, variables = a["saved"], a["xs"], a["params"], a["variables"]
    c_float = [is_float(t) for t in saved]
    x_float = [is_float(t) for t in xs]
    p_float = [is_float(t) for t in params]
    step = _grad_step(a["step"], variables, a["c_tmpl"], a["x_tmpl"], c_float, x_float,
                      p_float)
    init = (list(d_final), [array_ops.zeros_like(p) for p, f in zip(params, p_float) if f])
    (d_init, d_params), d_xs = recurrence(
        step, init, (list(saved), list(xs), list(d_ys), list(d_saved)), params, variables,
        reverse=not a["reverse"], unroll=a["unroll"], key=("grad", a["key"]))
    return list(d_init) + list(d_xs) + list(d_params)
