"""Gradient of Einsum: another einsum of the output gradient with the other inputs."""
import jax.numpy as jnp

from ..framework.gradient_registry import RegisterGradient
from . import einsum_ops as E
from .dispatch import wrap


def _grad_for(k, ins, rhs, g, inputs):
    """d/d inputs[k]: contract g with the other inputs back to inputs[k]'s subscripts.

    Letters of inputs[k] found nowhere else were summed away, so they come back
    as a ones operand; a letter repeated in inputs[k] (a diagonal) comes back
    through an identity-matrix operand.
    """
    x, sk = inputs[k], ins[k]
    dt = x._value.dtype
    others = [s for j, s in enumerate(ins) if j != k]
    avail = set(rhs).union(*others) if others else set(rhs)
    used = set("".join(ins) + rhs)
    fresh = iter(c for c in E._LETTERS if c not in used)
    subs = [rhs] + others
    ops = [g] + [t for j, t in enumerate(inputs) if j != k]
    seen, target = set(), ""
    for c, n in zip(sk, x._value.shape):
        if c in seen:  # diagonal: rename and tie to the first occurrence with an eye
            c2 = next(fresh)
            subs.append(c + c2)
            ops.append(wrap(jnp.eye(n, dtype=dt)))
            target += c2
            continue
        seen.add(c)
        if c not in avail:  # summed out in the forward pass: broadcast back
            subs.append(c)
            ops.append(wrap(jnp.ones((n,), dt)))
        target += c
    return E.einsum(",".join(subs) + "->" + target, *ops)


@RegisterGradient("Einsum")
def _einsum(op, g):
    lhs, rhs = op.attrs["equation"].split("->")
    ins = lhs.split(",")
    return [_grad_for(k, ins, rhs, g, op.inputs) for k in range(len(ins))]
