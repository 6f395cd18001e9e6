"""einsum and tensordot. The einsum gradient (einsum_grad.py) is itself an einsum,
so gradients of any order work.

>>> import tapeflow as tf
>>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4])).shape
TensorShape([2, 4])
"""
import string

import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from .dispatch import nary, out, static_int_list

__all__ = ["einsum", "tensordot"]
MATH_ONLY = []

_LETTERS = string.ascii_letters


def _split(equation, n):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError(f"Expected {len(ins)} input tensors for equation {equation!r}, "
                         f"received {n}.")
    return ins, (rhs if arrow else None)


def _expand_ellipsis(ins, rhs, ranks, equation):
    """Replaces '...' by fresh letters (right-aligned broadcast dims)."""
    used = set("".join(ins) + (rhs or ""))
    fresh = [c for c in _LETTERS if c not in used]
    nell = 0
    for s, r in zip(ins, ranks):
        if "..." in s:
            nell = max(nell, r - len(s.replace("...", "")))
    ell = "".join(fresh[:nell])
    new = []
    for s, r in zip(ins, ranks):
        if "..." in s:
            k = r - len(s.replace("...", ""))
            s = s.replace("...", ell[nell - k:] if k else "")
        if len(s) != r:
            raise ValueError(f"Input with rank {r} does not match subscripts {s!r} in "
                             f"einsum equation {equation!r}.")
        new.append(s)
    if rhs is None:
        counts = {c: "".join(new).count(c) for c in set("".join(new))}
        rhs = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
    return new, rhs


def canonical(equation, ranks):
    """An explicit, ellipsis-free form of `equation`: (input subscripts, output)."""
    ins, rhs = _split(equation, len(ranks))
    ins, rhs = _expand_ellipsis(ins, rhs, ranks, equation)
    for c in rhs:
        if not any(c in s for s in ins):
            raise ValueError(f"Output subscript {c!r} does not appear in any input of "
                             f"einsum equation {equation!r}.")
    return ins, rhs


def einsum(equation, *inputs, **kwargs):
    """Einstein summation over the inputs, as described by `equation`.

    >>> tf.einsum("ij->", tf.constant([[1., 2.], [3., 4.]])).numpy()
    10.0
    """
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        inputs = tuple(inputs[0])
    ts = nary(list(inputs), "Einsum")
    ins, rhs = canonical(equation, [t.ndim for t in ts])
    eq = ",".join(ins) + "->" + rhs
    try:
        v = jnp.einsum(eq, *[t._value for t in ts])
    except ValueError as e:
        shapes = [list(t.shape) for t in ts]
        raise invalid_argument(f"Incompatible shapes {shapes} for einsum equation "
                               f"{equation!r}: {e}", "Einsum") from None
    return out(v, "Einsum", tuple(ts), {"equation": eq})


def _tensordot_axes(axes, ra, rb):
    if isinstance(axes, (int, np.integer)) or (hasattr(axes, "ndim") and axes.ndim == 0):
        n = int(axes)
        if n < 0 or n > min(ra, rb):
            raise ValueError(f"'axes' must be at most the rank of both inputs and >= 0. "
                             f"Received: axes={n}")
        return list(range(ra - n, ra)), list(range(n))
    axes = list(axes)
    if len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2. Received {axes}.")
    a_ax, b_ax = (static_int_list(x) if not isinstance(x, (int, np.integer)) else [int(x)]
                  for x in axes)
    if len(a_ax) != len(b_ax):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                         f"{len(a_ax)} != {len(b_ax)}.")
    return [a % ra for a in a_ax], [b % rb for b in b_ax]


def tensordot(a, b, axes, name=None):
    """Sums products over `axes` of a and b (an int N: a's last N with b's first N).

    >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), axes=1).shape
    TensorShape([2, 4])
    """
    a, b = nary([a, b], "Einsum")
    a_ax, b_ax = _tensordot_axes(axes, a.ndim, b.ndim)
    la = list(_LETTERS[:a.ndim])
    lb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(a_ax, b_ax):
        if a.shape[i] != b.shape[j]:
            raise invalid_argument(f"Matrix size-incompatible: contracting a axis {i} "
                                   f"(size {a.shape[i]}) with b axis {j} (size "
                                   f"{b.shape[j]}); shapes {list(a.shape)} and "
                                   f"{list(b.shape)}", "Einsum")
        lb[j] = la[i]
    rhs = [c for i, c in enumerate(la) if i not in a_ax] + [
        c for j, c in enumerate(lb) if j not in b_ax]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(rhs)}", a, b)
