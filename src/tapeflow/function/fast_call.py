"""Calling a compiled specialization with as little Python as a raw `jax.jit` call.

A traced entry's program is a pure `(written, read, args) -> (outs, new)`.
It is jitted with ONE flat positional signature, `(*written, *read, *args)
-> (*outs, *new)`, so jax's C++ dispatch sees plain arrays (no list pytrees
to flatten on every call) and donates the written variables' buffers by
position (`flat_jit`; `invoke` calls it with the three lists of the slow path).

`prepare(entry, one_tensor)` builds what the Function's per-signature caches
map a cheap argument key (`fast_key`) to: a callable of the tensor
arguments' arrays that calls the program directly — no nest flattening, no
binding, no context managers (`Function._fast`) — or, for one Tensor in, one
array out and no variables, the jitted program itself (`Function._fast1`,
keyed by the argument's aval: one jitted call and one Tensor wrap). The
Function takes this path only when no trace is running, no GradientTape is
active and functions are not forced to run eagerly; everything else goes the
general way (`Function._call`), which prepares the signature after its call.

>>> import tapeflow as tf
>>> f = tf.function(lambda x: x + 1.0)
>>> float(f(tf.constant(1.0))), float(f(tf.constant(2.0)))  # the second call is prepared
(2.0, 3.0)
"""
import jax
import numpy as np

from ..framework.tensor import Tensor
from .memory import donatable_buffers

__all__ = ["flat_jit", "invoke", "prepare", "fast_key"]

_SCALARS = frozenset([int, float, bool, str, type(None)])


def flat_jit(pure, n_written, n_read, donate):
    """jax.jit of `pure` over one flat argument list; donates the written buffers.

    Its `layout` is [number of function outputs, bare]: bare when the program
    has exactly one output array, returned as it is (no tuple around it).
    """
    layout = [0, False]

    def flat(*xs):
        outs, new = pure(list(xs[:n_written]), list(xs[n_written:n_written + n_read]),
                         list(xs[n_written + n_read:]))
        layout[0], layout[1] = len(outs), len(outs) + len(new) == 1
        flat_outs = (*outs, *new)
        return flat_outs[0] if layout[1] else flat_outs
    jitted = jax.jit(flat, donate_argnums=tuple(range(n_written)) if donate else ())
    return _Program(jitted, layout)


class _Program:
    """A `flat_jit` program: `.jitted` (the jax.jit callable) and its output `.layout`."""

    __slots__ = ("jitted", "layout")

    def __init__(self, jitted, layout):
        self.jitted, self.layout = jitted, layout

    def __call__(self, *xs):
        return self.jitted(*xs)


def invoke(program, written, read, args):
    """(outs, new) lists from a `flat_jit` program called with the slow path's lists."""
    res = program.jitted(*written, *read, *args)
    k, bare = program.layout
    if bare:
        return ([res], []) if k else ([], [res])
    return list(res[:k]), list(res[k:])


def fast_key(args):
    """(key, tensor arrays) for positional arguments that are Tensors, Python scalars and
    plain tuples/lists of them, in `nest.flatten` order; (None, None) for anything else.

    A Tensor's part is its array's abstract value (shape, dtype, weak type,
    sharding: jax interns them, so hashing is cheap), or (shape, dtype) for a
    NumPy-backed numeric value (what `fit` feeds); a Python scalar's is its
    type and value, as TF's cache keys do. A Variable, a string tensor, a dict,
    a namedtuple or a composite make the key None: those calls go the general way.
    """
    key, vals = [], []
    if _collect(args, key, vals):
        return tuple(key), vals
    return None, None


def _collect(items, key, vals):
    for a in items:
        t = type(a)
        if t is Tensor:
            v = a._value
            aval = getattr(v, "aval", None)
            if aval is None:  # a host value: numeric NumPy arrays only (strings are static)
                if type(v) is not np.ndarray or v.dtype.kind not in "biufc":
                    return False
                aval = (v.shape, v.dtype)
            key.append(aval)
            vals.append(v)
        elif t in _SCALARS:
            key.append((t, a))
        elif t is tuple or t is list:
            key.append((t, len(a)))
            if not _collect(a, key, vals):
                return False
        else:
            return False
    return True


def prepare(entry, one_tensor):
    """(jitted, None) for a call of one Tensor argument to an entry with one array out
    and no variables: the caller calls it and wraps the result; else (None, a callable
    of the tensor arguments' arrays that runs the entry's program, returning its outputs)."""
    program = entry.jitted
    jitted, layout = program.jitted, program.layout
    if one_tensor and not entry.known and entry.single and layout == [1, True]:
        return jitted, None
    w_vars, r_vars, out_vars = entry.w_vars, entry.r_vars, entry.out_vars
    pack = entry.pack
    write = not entry.function._read_only

    def run(*vals):
        res = jitted(*donatable_buffers(w_vars), *[v._value for v in r_vars], *vals)
        k, bare = layout
        if bare:
            res = (res,)
        if write:
            for v, val in zip(out_vars, res[k:]):
                v._swap_value(val)
        return pack(res[:k])
    return None, run
