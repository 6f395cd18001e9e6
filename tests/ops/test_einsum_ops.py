"""einsum_ops: einsum (explicit, implicit, ellipsis, diagonals) and tensordot."""
import jax.numpy as jnp
import numpy as np
import pytest
from gradcheck import check_second_order, check_vs_jax

import tapeflow as tf
from tapeflow.framework.errors import InvalidArgumentError

R = np.random.default_rng(13)

CASES = [  # equation, operand shapes
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output: ik
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 2)]),  # broadcast batch dims
    ("ij->", [(2, 3)]),
    ("ii->i", [(3, 3)]),  # diagonal
    ("ii", [(3, 3)]),  # trace
    ("i,j->ij", [(3,), (4,)]),
    ("ijk,k->ij", [(2, 3, 4), (4,)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 2), (2, 4)]),
    ("i,i", [(4,), (4,)]),
    ("bi, bi -> b", [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize("eq,shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_forward_and_grad(eq, shapes):
    xs = [R.normal(size=s) for s in shapes]
    np.testing.assert_allclose(tf.einsum(eq, *xs).numpy(), np.einsum(eq.replace(" ", ""), *xs))
    check_vs_jax(lambda *ts: tf.einsum(eq, *ts), lambda *a: jnp.einsum(eq, *a), *xs)


def test_einsum_second_order():
    b = R.normal(size=(3, 2))
    check_second_order(lambda a: tf.einsum("ij,jk->ik", a * a, b),
                       lambda a: jnp.einsum("ij,jk->ik", a * a, b), R.normal(size=(2, 3)))
    check_second_order(lambda a: tf.einsum("ii,ij->j", a, a),
                       lambda a: jnp.einsum("ii,ij->j", a, a), R.normal(size=(3, 3)))


def test_einsum_errors():
    with pytest.raises(InvalidArgumentError, match="einsum"):
        tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([4, 2]))
    with pytest.raises(ValueError, match="rank"):
        tf.einsum("ijk->i", tf.ones([2, 3]))
    with pytest.raises(ValueError, match="Expected 2 input"):
        tf.einsum("ij,jk->ik", tf.ones([2, 3]))
    with pytest.raises(InvalidArgumentError):
        tf.einsum("i,i->i", tf.ones([2]), tf.ones([2], tf.float64))


@pytest.mark.parametrize("axes,shapes", [
    (1, [(2, 3), (3, 4)]), (0, [(2,), (3,)]), (2, [(2, 3, 4), (3, 4, 2)]),
    ([[1, 0], [0, 1]], [(3, 2, 4), (2, 3)]), ([1, 0], [(2, 3), (3, 4)]),
    ([[-1], [0]], [(2, 3), (3, 4)])])
def test_tensordot_forward_and_grad(axes, shapes):
    a, b = (R.normal(size=s) for s in shapes)
    np_axes = axes if isinstance(axes, int) else (
        axes if isinstance(axes[0], list) else [[axes[0]], [axes[1]]])
    np.testing.assert_allclose(tf.tensordot(a, b, axes).numpy(), np.tensordot(a, b, np_axes))
    check_vs_jax(lambda x, y: tf.tensordot(x, y, axes),
                 lambda x, y: jnp.tensordot(x, y, np_axes), a, b)


def test_tensordot_errors():
    with pytest.raises(InvalidArgumentError, match="size-incompatible"):
        tf.tensordot(tf.ones([2, 3]), tf.ones([4, 2]), 1)
    with pytest.raises(ValueError, match="axes"):
        tf.tensordot(tf.ones([2, 3]), tf.ones([3, 2]), 3)
