"""`tf.linalg`: inverses, determinants, decompositions, solves, diagonals, norms.

All ops act on the two innermost dims and batch over the leading ones.
Primitive ops call one jax.numpy/lax function; their gradients are in
linalg_grad.py. Formulas over other ops (logdet, trace, norm, ...) get their
gradients from the ops they use.

>>> import tapeflow as tf
>>> tf.linalg.det(tf.constant([[1., 2.], [3., 4.]])).numpy()
-2.0
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..framework import dtypes
from ..framework.errors import invalid_argument
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from .dispatch import binary, check_float, out, outs, unary, wrap

__all__ = ["inv", "det", "slogdet", "logdet", "cholesky", "qr", "svd", "eigh", "eigvalsh",
           "norm", "solve", "triangular_solve", "cholesky_solve", "lstsq", "diag", "diag_part",
           "set_diag", "trace", "band_part", "matrix_transpose", "adjoint", "cross", "eye",
           "pinv", "matvec", "normalize", "matrix_rank"]


def _matrix(x, op, square=False):
    x = check_float(unary(x), op)
    if x.ndim < 2:
        raise invalid_argument(f"Input must have rank >= 2, got shape {x.shape.as_list()}", op)
    if square and x.shape[-1] != x.shape[-2]:
        raise invalid_argument(f"Input matrix must be square, got shape {x.shape.as_list()}",
                               op)
    return x


def _mt(v):
    return jnp.swapaxes(v, -1, -2)


# -- inverse, determinants ---------------------------------------------------------


def inv(input, adjoint=False, name=None):  # noqa: A002
    """Inverse of each square matrix. `inv([[2., 0.], [0., 4.]])` -> [[.5, 0.], [0., .25]]"""
    x = _matrix(input, "MatrixInverse", square=True)
    v = jnp.linalg.inv(_mt(jnp.conj(x._value)) if adjoint else x._value)
    return out(v, "MatrixInverse", (x,), {"adjoint": bool(adjoint)})


def det(input, name=None):  # noqa: A002
    """Determinant of each square matrix."""
    x = _matrix(input, "MatrixDeterminant", square=True)
    return out(jnp.linalg.det(x._value), "MatrixDeterminant", (x,))


def slogdet(input, name=None):  # noqa: A002
    """(sign, log|det|) of each square matrix."""
    x = _matrix(input, "LogMatrixDeterminant", square=True)
    s, ld = jnp.linalg.slogdet(x._value)
    return tuple(outs([s.astype(x._value.dtype), ld], "LogMatrixDeterminant", (x,)))


def cholesky(input, name=None):  # noqa: A002
    """Lower-triangular L with L L^T = input (reads the lower triangle)."""
    x = _matrix(input, "Cholesky", square=True)
    return out(jnp.linalg.cholesky(x._value, symmetrize_input=False), "Cholesky", (x,))


def logdet(matrix, name=None):
    """log det of Hermitian positive-definite matrices: 2 sum(log(diag(chol)))."""
    ch = cholesky(matrix)
    return M.multiply(M.reduce_sum(M.log(diag_part(ch)), axis=-1), 2.0)


# -- decompositions -------------------------------------------------------------------


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """(q, r) with q orthonormal columns and r upper triangular."""
    x = _matrix(input, "Qr")
    q, r = jnp.linalg.qr(x._value, mode="complete" if full_matrices else "reduced")
    return tuple(outs([q, r], "Qr", (x,), {"full_matrices": bool(full_matrices)}))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """TF order: (s, u, v) with a = u diag(s) v^H (v is NOT transposed); s only if not
    compute_uv."""
    x = _matrix(tensor, "Svd")
    if not compute_uv:
        s = jnp.linalg.svd(x._value, compute_uv=False)
        return out(s, "Svd", (x,), {"compute_uv": False, "full_matrices": False})
    u, s, vh = jnp.linalg.svd(x._value, full_matrices=full_matrices)
    return tuple(outs([s, u, jnp.conj(_mt(vh))], "Svd", (x,),
                      {"compute_uv": True, "full_matrices": bool(full_matrices)}))


def eigh(tensor, name=None):
    """(eigenvalues ascending, eigenvectors as columns) of self-adjoint matrices."""
    x = _matrix(tensor, "SelfAdjointEigV2", square=True)
    e, v = jnp.linalg.eigh(x._value)
    return tuple(outs([e, v], "SelfAdjointEigV2", (x,)))


def eigvalsh(tensor, name=None):
    """Eigenvalues (ascending) of self-adjoint matrices."""
    return eigh(tensor)[0]


# -- solves ---------------------------------------------------------------------------


def _check_rhs(a, b, op):
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise invalid_argument(f"Input matrix and right-hand side must have the same number "
                               f"of rows: {a.shape.as_list()} vs {b.shape.as_list()}", op)


def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs (matrix^H @ x = rhs when adjoint)."""
    a, b = binary(matrix, rhs, "MatrixSolve")
    a = _matrix(a, "MatrixSolve", square=True)
    _check_rhs(a, b, "MatrixSolve")
    av = _mt(jnp.conj(a._value)) if adjoint else a._value
    return out(jnp.linalg.solve(av, b._value), "MatrixSolve", (a, b),
               {"adjoint": bool(adjoint)})


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs for triangular `matrix` (only that triangle is read)."""
    a, b = binary(matrix, rhs, "MatrixTriangularSolve")
    a = _matrix(a, "MatrixTriangularSolve", square=True)
    _check_rhs(a, b, "MatrixTriangularSolve")
    av, bv = a._value, b._value
    shape = jnp.broadcast_shapes(av.shape[:-2], bv.shape[:-2])
    av = jnp.broadcast_to(av, shape + av.shape[-2:])
    bv = jnp.broadcast_to(bv, shape + bv.shape[-2:])
    v = lax.linalg.triangular_solve(av, bv, left_side=True, lower=bool(lower),
                                    transpose_a=bool(adjoint), conjugate_a=bool(adjoint))
    return out(v, "MatrixTriangularSolve", (a, b), {"lower": bool(lower),
                                                    "adjoint": bool(adjoint)})


def cholesky_solve(chol, rhs, name=None):
    """x with A x = rhs, given chol = cholesky(A)."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least-squares x minimizing ||matrix x - rhs||^2 + l2 ||x||^2 (normal equations)."""
    a, b = binary(matrix, rhs, "MatrixSolveLs")
    a = _matrix(a, "MatrixSolveLs")
    if b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise invalid_argument(f"matrix and rhs must have the same number of rows: "
                               f"{a.shape.as_list()} vs {b.shape.as_list()}", "MatrixSolveLs")
    m, n = a.shape[-2], a.shape[-1]
    if m >= n:
        gram = M.matmul(a, a, adjoint_a=True)
        gram = M.add(gram, M.multiply(eye(n, dtype=a.dtype), l2_regularizer))
        return cholesky_solve(cholesky(gram), M.matmul(a, b, adjoint_a=True))
    gram = M.add(M.matmul(a, a, adjoint_b=True),
                 M.multiply(eye(m, dtype=a.dtype), l2_regularizer))
    return M.matmul(a, cholesky_solve(cholesky(gram), b), adjoint_a=True)


def pinv(a, rcond=None, validate_args=False, name=None):
    """Moore-Penrose pseudo-inverse (singular values below rcond * max(s) are dropped)."""
    x = _matrix(a, "Pinv")
    m, n = x.shape[-2], x.shape[-1]
    rc = 10.0 * max(m, n) * float(np.finfo(x.dtype._np).eps) if rcond is None else rcond
    return out(jnp.linalg.pinv(x._value, rtol=rc), "Pinv", (x,))


# -- diagonals, bands, transposes -------------------------------------------------------


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """Batched diagonal matrices from the last dim. `diag([1., 2.])` -> [[1, 0], [0, 2]]"""
    d = unary(diagonal)
    if k != 0 or num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise ValueError("tapeflow's tf.linalg.diag supports only the main diagonal (k=0) "
                         "with default num_rows, num_cols and padding_value.")
    if d.ndim < 1:
        raise invalid_argument("diagonal must be at least 1-dimensional", "MatrixDiagV3")
    n = d.shape[-1]
    v = d._value[..., None] * jnp.eye(n, dtype=d._value.dtype)
    return out(v, "MatrixDiag", (d,))


def diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
              align="RIGHT_LEFT"):
    """The main diagonal of each innermost matrix (length min(rows, cols))."""
    x = unary(input)
    if k != 0:
        raise ValueError("tapeflow's tf.linalg.diag_part supports only k=0.")
    if x.ndim < 2:
        raise invalid_argument(f"input must be at least 2-dim, received shape: "
                               f"{x.shape.as_list()}", "MatrixDiagPartV3")
    return out(jnp.diagonal(x._value, axis1=-2, axis2=-1), "MatrixDiagPart", (x,))


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with its main diagonal replaced by `diagonal`."""
    x, d = binary(input, diagonal, "MatrixSetDiag")
    if k != 0:
        raise ValueError("tapeflow's tf.linalg.set_diag supports only k=0.")
    n = min(x.shape[-2], x.shape[-1]) if x.ndim >= 2 else -1
    if x.ndim < 2 or d.shape.as_list() != x.shape.as_list()[:-2] + [n]:
        raise invalid_argument(f"diagonal must have shape input.shape[:-2] + [min(rows, "
                               f"cols)]: input {x.shape.as_list()}, diagonal "
                               f"{d.shape.as_list()}", "MatrixSetDiag")
    i = jnp.arange(n)
    return out(jnp.asarray(x._value).at[..., i, i].set(d._value), "MatrixSetDiag", (x, d))


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keeps entries with -num_lower <= col - row <= num_upper (negative: keep all)."""
    x = unary(input)
    if x.ndim < 2:
        raise invalid_argument(f"input must be at least 2-dim, received shape: "
                               f"{x.shape.as_list()}", "MatrixBandPart")
    lo, up = int(num_lower), int(num_upper)
    r, c = x.shape[-2], x.shape[-1]
    d = np.arange(c)[None, :] - np.arange(r)[:, None]
    keep = np.ones((r, c), bool)
    if lo >= 0:
        keep &= d >= -lo
    if up >= 0:
        keep &= d <= up
    return out(jnp.where(keep, x._value, jnp.zeros((), x._value.dtype)), "MatrixBandPart",
               (x,), {"lower": lo, "upper": up})


def trace(x, name=None):
    """Sum of the main diagonal of each innermost matrix."""
    return M.reduce_sum(diag_part(x), axis=-1)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the two innermost dims."""
    x = unary(a)
    if x.ndim < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2. Received "
                         f"`a` = {x} with shape: {x.shape}")
    perm = list(range(x.ndim - 2)) + [x.ndim - 1, x.ndim - 2]
    return A.transpose(x, perm, conjugate=conjugate)


def adjoint(matrix, name=None):
    """Conjugate transpose of the innermost matrices."""
    return matrix_transpose(matrix, conjugate=True)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """a @ b for a batch of matrices `a` and vectors `b`."""
    b = unary(b)
    prod = M.matmul(a, A.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return A.squeeze(prod, -1)


def cross(a, b, name=None):
    """Cross product of 3-vectors along the last dim."""
    a, b = binary(a, b, "Cross")
    if a.shape != b.shape or a.ndim < 1 or a.shape[-1] != 3:
        raise invalid_argument(f"Both inputs must have the same shape with an inner dimension "
                               f"of 3: {a.shape.as_list()} vs {b.shape.as_list()}", "Cross")
    return out(jnp.cross(a._value, b._value), "Cross", (a, b))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Identity matrices of shape batch_shape + [num_rows, num_columns]."""
    cols = num_rows if num_columns is None else int(num_columns)
    v = jnp.eye(int(num_rows), cols, dtype=dtypes.as_dtype(dtype)._np)
    if batch_shape is not None:
        bs = tuple(int(i) for i in np.ravel(np.asarray(batch_shape)))
        v = jnp.broadcast_to(v, bs + v.shape)
    return wrap(v)


# -- norms ---------------------------------------------------------------------------------


def _vector_norm(x, p, axis, keepdims):
    ax = [axis]
    if p in ("euclidean", "fro", 2, 2.0):
        return M.sqrt(M.reduce_sum(M.square(x), axis=ax, keepdims=keepdims))
    if p in (1, 1.0):
        return M.reduce_sum(M.abs(x), axis=ax, keepdims=keepdims)
    if p == np.inf:
        return M.reduce_max(M.abs(x), axis=ax, keepdims=keepdims)
    s = M.reduce_sum(M.pow(M.abs(x), float(p)), axis=ax, keepdims=keepdims)
    return M.pow(s, 1.0 / float(p))


def _matrix_norm(x, p, axes, keepdims):
    r, c = axes
    if p in ("euclidean", "fro"):
        return M.sqrt(M.reduce_sum(M.square(x), axis=list(axes), keepdims=keepdims))
    if p in (1, np.inf):  # max column sum (1) / max row sum (inf) of |x|
        inner, outer = (r, c) if p == 1 else (c, r)
        s = M.reduce_sum(M.abs(x), axis=[inner], keepdims=True)
        res = M.reduce_max(s, axis=[outer], keepdims=True)
    else:  # 2: the largest singular value
        perm = [i for i in range(x.ndim) if i not in axes] + [r, c]
        s = svd(A.transpose(x, perm), compute_uv=False)
        res = M.reduce_max(s, axis=[-1])
        shape = [1 if i in axes else d for i, d in enumerate(x.shape.as_list())]
        res = A.reshape(res, shape)
    if not keepdims:
        res = A.squeeze(res, list(axes))
    return res


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """Vector (one axis) or matrix (two axes) norm; axis=None flattens everything.

    >>> tf.linalg.norm([3., 4.]).numpy()
    5.0
    """
    x = check_float(unary(tensor), "Norm")
    keep = bool(keepdims)
    if axis is None:
        if ord not in ("euclidean", "fro") and ord not in (1, 2, np.inf) and not (
                isinstance(ord, (int, float)) and ord > 0):
            raise ValueError(f"'ord' must be a supported vector norm, got ord={ord}.")
        flat = A.reshape(x, [-1])
        res = _vector_norm(flat, 2 if ord == "fro" else ord, 0, False)
        return A.reshape(res, [1] * x.ndim) if keep else res
    axes = [int(a) % x.ndim for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    if len(axes) == 2:
        if ord not in ("euclidean", "fro", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', "
                             f"1, 2, inf], got ord={ord}.")
        return _matrix_norm(x, ord, tuple(axes), keep)
    if len(axes) != 1 or ord == "fro" or not (ord == "euclidean" or (
            isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError(f"'ord' must be a supported vector norm and 'axis' one or two "
                         f"integers, got ord={ord}, axis={axis}.")
    return _vector_norm(x, ord, axes[0], keep)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """(tensor / norm, norm) with the norm kept broadcastable.

    >>> t, n = tf.linalg.normalize([3., 4.])  # [0.6, 0.8], [5.]
    """
    x = check_float(unary(tensor), "Normalize")
    n = norm(x, ord=ord, axis=axis, keepdims=True)
    return M.realdiv(x, n), n


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """Number of singular values above `tol` (default eps * max(rows, cols) * max(s))."""
    x = _matrix(a, "MatrixRank")
    s = svd(x, compute_uv=False)
    if tol is None:
        eps = float(np.finfo(x.dtype._np).eps)
        tol = M.multiply(M.reduce_max(s, axis=[-1], keepdims=True),
                         eps * max(x.shape[-2], x.shape[-1]))
    big = logic_ops.greater(s, tol)
    return M.cast(M.reduce_sum(M.cast(big, dtypes.int32), axis=[-1]), dtypes.int32)
