"""Rearranging values: tile, repeat, pad, reverse, roll, reverse_sequence, meshgrid.

`repeat` and the REFLECT/SYMMETRIC pads are gathers with index arrays known
in advance, and `meshgrid` is reshape + broadcast_to, so their gradients are
those ops' gradients. Tile, Pad, ReverseV2, Roll and ReverseSequence have
rules in layout_grad.py.

>>> import tapeflow as tf
>>> tf.tile(tf.constant([1, 2]), [2]).numpy().tolist()
[1, 2, 1, 2]
"""
import jax.numpy as jnp
import numpy as np

from ..framework.errors import invalid_argument
from ..framework.tensor import convert_to_tensor
from .dispatch import nary, norm_axes, norm_axis, out, static_int_list, unary
from . import array_ops as A
from .gather_ops import _concrete, gather

__all__ = ["tile", "repeat", "pad", "reverse", "roll", "reverse_sequence", "meshgrid"]


def tile(input, multiples, name=None):  # noqa: A002 - TF's name
    """Repeats the whole tensor `multiples[i]` times along axis i.

    >>> tile([[1, 2]], [2, 1]).numpy().tolist()
    [[1, 2], [1, 2]]
    """
    x = unary(input)
    m = static_int_list(multiples)
    if len(m) != x.ndim:
        raise invalid_argument(f"Expected multiples argument to be a vector of length "
                               f"{x.ndim} but got length {len(m)} (input shape "
                               f"{list(x.shape)}, multiples {m})", "Tile")
    if any(k < 0 for k in m):
        raise invalid_argument(f"Expected multiples to be non-negative, got {m}", "Tile")
    return out(jnp.tile(x._value, m), "Tile", (x,), {"multiples": m})


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Repeats each element (axis=None: of the flattened input) `repeats` times.

    >>> repeat([1, 2], [1, 3], axis=0).numpy().tolist()
    [1, 2, 2, 2]
    """
    x = unary(input)
    if axis is None:
        x, ax = A.reshape(x, [-1]), 0
    else:
        ax = norm_axis(axis, x.ndim, "Repeat")
    n = x._value.shape[ax]
    reps = np.asarray(static_int_list(repeats), np.int64)
    if reps.size not in (1, n) or (reps < 0).any():
        raise invalid_argument(f"repeats must be a non-negative scalar or have length {n} "
                               f"(the size of axis {ax} of shape {list(x.shape)}); got "
                               f"repeats={reps.tolist()}", "Repeat")
    idx = np.repeat(np.arange(n, dtype=np.int64), reps if reps.size == n else int(reps[0]))
    return gather(x, idx, axis=ax)


def _pads(paddings, x):
    if isinstance(paddings, (list, tuple)):
        paddings = [static_int_list(row) for row in paddings]
    p = np.asarray(paddings, np.int64).reshape(-1)
    if p.size != 2 * x.ndim:
        raise invalid_argument(f"The first dimension of paddings must be the rank of inputs"
                               f"[{x.ndim}, 2] (input shape {list(x.shape)}), got paddings "
                               f"with {p.size} values", "Pad")
    p = p.reshape(x.ndim, 2)
    if (p < 0).any():
        raise invalid_argument(f"Paddings must be non-negative: {p.tolist()}", "Pad")
    return p.tolist()


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads with a constant, or mirrors the edges (REFLECT / SYMMETRIC).

    >>> pad([[1, 2]], [[0, 0], [1, 1]]).numpy().tolist()
    [[0, 1, 2, 0]]
    """
    x = unary(tensor)
    p = _pads(paddings, x)
    mode = str(mode).upper()
    if mode == "CONSTANT":
        cv = convert_to_tensor(constant_values, dtype_hint=x.dtype)
        if cv.dtype != x.dtype:
            raise invalid_argument(f"constant_values dtype {cv.dtype.name} must match tensor "
                                   f"dtype {x.dtype.name}", "PadV2")
        v = jnp.pad(x._value, p, constant_values=cv._value)
        return out(v, "Pad", (x,), {"paddings": p})
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Value of argument `mode` expected to be one of \"CONSTANT\", "
                         f"\"REFLECT\", or \"SYMMETRIC\". Received `mode` = {mode}")
    shift = 1 if mode == "REFLECT" else 0
    for ax, (b, a) in enumerate(p):
        n = x._value.shape[ax]
        if b > n - shift or a > n - shift:
            raise invalid_argument(f"paddings must be {'less than' if shift else 'no greater than'}"
                                   f" the dimension size: {b}, {a} vs {n} (input shape "
                                   f"{list(x.shape)})", "MirrorPad")
        if b or a:
            idx = np.pad(np.arange(n), (b, a), mode=mode.lower())
            x = gather(x, idx.astype(np.int64), axis=ax)
    return x


def reverse(tensor, axis, name=None):
    """Reverses the given axes.

    >>> reverse([[1, 2], [3, 4]], [1]).numpy().tolist()
    [[2, 1], [4, 3]]
    """
    x = unary(tensor)
    axes = norm_axes(axis, x.ndim, "ReverseV2")
    if len(set(axes)) != len(axes):
        raise invalid_argument(f"axis {list(axes)} specified more than once.", "ReverseV2")
    return out(jnp.flip(x._value, axes), "ReverseV2", (x,), {"axes": list(axes)})


def roll(input, shift, axis, name=None):  # noqa: A002
    """Rotates elements along axes; elements leaving one end come back at the other.

    >>> roll([1, 2, 3], 1, 0).numpy().tolist()
    [3, 1, 2]
    """
    x = unary(input)
    shifts, axes = static_int_list(shift), static_int_list(axis)
    if len(shifts) != len(axes):
        raise invalid_argument(f"shift and axis must have the same size, got {shifts} and "
                               f"{axes}", "Roll")
    axes = [norm_axis(a, x.ndim, "Roll") for a in axes]
    v = jnp.roll(x._value, shifts, axes) if axes else x._value
    return out(v, "Roll", (x,), {"shift": shifts, "axis": axes})


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None,  # noqa: A002
                     name=None):
    """Reverses the first `seq_lengths[i]` entries along `seq_axis` of each batch row i.

    >>> reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1).numpy().tolist()
    [[2, 1, 3], [6, 5, 4]]
    """
    x = unary(input)
    lens = unary(seq_lengths)
    if seq_axis is None:
        raise ValueError("seq_axis is required. Received: seq_axis=None")
    sa = norm_axis(seq_axis, x.ndim, "ReverseSequence")
    ba = norm_axis(0 if batch_axis is None else batch_axis, x.ndim, "ReverseSequence")
    t, nb = x._value.shape[sa], x._value.shape[ba]
    if sa == ba or lens.ndim != 1 or lens._value.shape[0] != nb:
        raise invalid_argument(f"seq_lengths must be a vector of length input.dims("
                               f"batch_axis)={nb} with seq_axis != batch_axis; got seq_lengths "
                               f"shape {list(lens.shape)}, input shape {list(x.shape)}",
                               "ReverseSequence")
    lv = _concrete(lens._value)
    if lv is not None and ((lv > t) | (lv < 0)).any():
        raise invalid_argument(f"seq_lens must be in [0, {t}], got {lv.tolist()} (input shape "
                               f"{list(x.shape)})", "ReverseSequence")
    shape = [1] * x.ndim
    shape[sa] = t
    pos = jnp.arange(t).reshape(shape)
    lshape = [1] * x.ndim
    lshape[ba] = nb
    ln = lens._value.astype(pos.dtype).reshape(lshape)
    idx = jnp.broadcast_to(jnp.where(pos < ln, ln - 1 - pos, pos), x._value.shape)
    v = jnp.take_along_axis(x._value, idx, axis=sa)
    return out(v, "ReverseSequence", (x, lens), {"seq_axis": sa, "batch_axis": ba})


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors; indexing 'xy' (default) or 'ij'.

    >>> [g.shape.as_list() for g in meshgrid([1, 2, 3], [4, 5])]
    [[2, 3], [2, 3]]
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments: {list(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got "
                         f"'{indexing}'")
    if not args:
        return []
    ts = nary(list(args), "Meshgrid")
    ts = [A.reshape(t, [-1]) for t in ts]
    sizes = [t._value.shape[0] for t in ts]
    order = list(np.arange(len(ts)))
    if indexing == "xy" and len(ts) > 1:
        order[0], order[1] = 1, 0
    full = [sizes[i] for i in order]
    res = []
    for i, t in enumerate(ts):
        shape = [1] * len(ts)
        shape[order.index(i)] = sizes[i]
        res.append(A.broadcast_to(A.reshape(t, shape), full))
    return res
