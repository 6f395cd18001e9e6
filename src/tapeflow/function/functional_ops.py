"""tf.map_fn, tf.scan, tf.foldl, tf.foldr and tf.vectorized_map, eager and compiled.

Eagerly they loop in Python over the leading axis (tapes record every step).
Inside a tapeflow.function they lower to one lax.scan (or jax.vmap), with
the trace's variables carried through as state; while a GradientTape
records, that scan is one "Scan" op whose gradient is a reverse scan
(functional_ops_grad.py), so nothing is unrolled.

>>> import tapeflow as tf
>>> tf.map_fn(lambda x: x * x, tf.constant([1, 2, 3])).numpy()
array([1, 4, 9], dtype=int32)
"""
import jax
from jax import lax

from .. import nest
from ..framework import dtypes
from ..framework.context import current_trace, staged
from ..framework.recording import recording_tapes
from ..ops import array_ops, math_ops
from .control_flow import _pack, _Scope, _t, _vals
from .functional_ops_grad import recorded_scan

__all__ = ["map_fn", "scan", "foldl", "foldr", "vectorized_map"]


# -- scans -----------------------------------------------------------------------

def _length(elems):
    leaves = [_t(x) for x in nest.flatten(elems)]
    if not leaves:
        raise ValueError("elems must contain at least one tensor.")
    n = leaves[0]._value.shape[0] if leaves[0].ndim else None
    for x in leaves:
        if x.ndim == 0 or x._value.shape[0] != n:
            raise ValueError(f"All elems must have the same, non-scalar leading dimension; "
                             f"got shapes {[list(t.shape) for t in leaves]}.")
    return n


def _scan(step, carry, elems, reverse=False, keep_state=True):
    """carry, ys = scan of step(carry, x) -> (carry, y) over the leading axis of elems.

    Inside a trace under a recording tape it is one recorded "Scan" op over a
    lax.scan (functional_ops_grad.py); gradient reruns pass keep_state=False.
    """
    n = _length(elems)
    if current_trace() is None or (n == 0 and recording_tapes()):
        return _python_scan(step, carry, elems, n, reverse)
    if recording_tapes():
        return recorded_scan(step, carry, elems, reverse, _lax_scan, _scan, _Scope, keep_state)
    return _lax_scan(step, carry, elems, reverse, keep_state)


def _python_scan(step, carry, elems, n, reverse):
    rows = [array_ops.unstack(_t(x)) for x in nest.flatten(elems)]
    order = range(n - 1, -1, -1) if reverse else range(n)
    ys = [None] * n
    for k in order:
        carry, ys[k] = step(carry, nest.pack_sequence_as(elems, [r[k] for r in rows]))
    if n == 0:
        return carry, None
    y = nest.map_structure(lambda *parts: array_ops.stack([_t(p) for p in parts]), *ys)
    return carry, y


def _lax_scan(step, carry, elems, reverse, keep_state=True):
    scope = _Scope()
    shapes = {}

    def f(c, x):
        cv, state = c
        (new_c, y), new_state = scope.run(
            lambda: step(_pack(carry, cv), _pack(elems, x)), state)
        shapes["y"] = y
        new_cv = _vals(new_c)
        for a, b in zip(cv, new_cv):
            if a is not None and (a.shape != b.shape or a.dtype != b.dtype):
                raise ValueError(f"The accumulator changes from shape {tuple(a.shape)} "
                                 f"{a.dtype} to {tuple(b.shape)} {b.dtype} in one step; it "
                                 "must keep its shape and dtype.")
        return (new_cv, new_state), _vals(y)
    with staged():
        (cv, state), ys = lax.scan(f, (_vals(carry), scope.values()), _vals(elems),
                                   reverse=reverse)
    if keep_state:
        scope._set(state)
    return _pack(carry, cv), _pack(shapes["y"], ys)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """Applies `fn` to each slice of `elems` along axis 0 and stacks the results.

    >>> import tapeflow as tf
    >>> map_fn(lambda x: x * x, tf.constant([1, 2, 3])).numpy()
    array([1, 4, 9], dtype=int32)
    """
    sig = fn_output_signature if fn_output_signature is not None else dtype
    _, ys = _scan(lambda c, x: (c, fn(x)), (), elems)
    if sig is not None:
        sigs = nest.flatten(sig)
        leaves = nest.flatten(ys)
        if len(sigs) == len(leaves):
            cast = []
            for s, y in zip(sigs, leaves):
                d = dtypes.as_dtype(getattr(s, "dtype", s))
                cast.append(y if y.dtype == d else math_ops.cast(y, d))
            ys = nest.pack_sequence_as(ys, cast)
    return ys


def _first_and_rest(elems, reverse):
    if reverse:
        return (nest.map_structure(lambda x: _t(x)[-1], elems),
                nest.map_structure(lambda x: _t(x)[:-1], elems))
    return (nest.map_structure(lambda x: _t(x)[0], elems),
            nest.map_structure(lambda x: _t(x)[1:], elems))


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Cumulative `acc = fn(acc, x)` over axis 0, stacking every acc (`tf.scan`).

    >>> import tapeflow as tf
    >>> scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4])).numpy()
    array([ 1,  3,  6, 10], dtype=int32)
    """
    if initializer is None:
        first, rest = _first_and_rest(elems, reverse)
        _, ys = _scan(lambda c, x: (fn(c, x),) * 2, first, rest, reverse)
        if ys is None:
            return nest.map_structure(lambda f: array_ops.expand_dims(f, 0), first)
        parts = (lambda f, y: array_ops.concat([y, array_ops.expand_dims(f, 0)], 0)) if reverse \
            else (lambda f, y: array_ops.concat([array_ops.expand_dims(f, 0), y], 0))
        return nest.map_structure(parts, first, ys)
    init = nest.map_structure(_t, initializer)
    _, ys = _scan(lambda c, x: (fn(c, x),) * 2, init, elems, reverse)
    return ys


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """Left fold: `acc = fn(acc, x)` over axis 0; returns the final acc (`tf.foldl`).

    >>> import tapeflow as tf
    >>> int(foldl(lambda a, x: a + x, tf.constant([1, 2, 3])))
    6
    """
    return _fold(fn, elems, initializer, reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """Right fold: like foldl from the last element to the first (`tf.foldr`)."""
    return _fold(fn, elems, initializer, reverse=True)


def _fold(fn, elems, initializer, reverse):
    if initializer is None:
        initializer, elems = _first_and_rest(elems, reverse)
        if _length_or_zero(elems) == 0:
            return initializer
    init = nest.map_structure(_t, initializer)
    acc, _ = _scan(lambda c, x: (fn(c, x), ()), init, elems, reverse)
    return acc


def _length_or_zero(elems):
    leaves = nest.flatten(elems)
    return _t(leaves[0])._value.shape[0] if leaves else 0


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """`fn` applied to every slice of `elems` at once (jax.vmap); like map_fn.

    >>> import tapeflow as tf
    >>> vectorized_map(lambda x: tf.reduce_sum(x), tf.ones([3, 2])).numpy()
    array([2., 2., 2.], dtype=float32)
    """
    if recording_tapes():
        return map_fn(fn, elems)
    _length(elems)
    structs = {}

    def f(*vals):
        out = fn(_pack(elems, list(vals)))
        structs["out"] = out
        return _vals(out)
    ys = jax.vmap(f)(*_vals(elems))
    return _pack(structs["out"], ys)
