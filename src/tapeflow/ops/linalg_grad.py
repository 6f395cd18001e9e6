"""Gradient rules of linalg_ops, written with tapeflow ops (so they nest).

Real-valued inputs are assumed for the decompositions (cholesky, eigh, svd,
pinv). Eigenvector / singular-vector gradients assume distinct eigen/singular
values (pairs with equal values contribute 0 instead of inf).
"""
from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import linalg_ops as L
from . import logic_ops
from . import math_ops as M


def _expand2(t):
    return A.expand_dims(A.expand_dims(t, -1), -1)


def _mt(t):
    return L.matrix_transpose(t)


@RegisterGradient("MatrixInverse")
def _inv(op, g):  # d(A^-1) = -A^-1 dA A^-1
    y = op.outputs[0]
    if op.attrs["adjoint"]:
        return M.negative(M.matmul(y, M.matmul(g, y, transpose_a=True)))
    return M.negative(M.matmul(y, M.matmul(g, y, transpose_b=True), transpose_a=True))


@RegisterGradient("MatrixDeterminant")
def _det(op, g):  # d det = det * tr(A^-1 dA)
    x, d = op.inputs[0], op.outputs[0]
    return M.multiply(_expand2(M.multiply(g, d)), L.inv(x, adjoint=True))


@RegisterGradient("LogMatrixDeterminant")
def _slogdet(op, g_sign, g_logdet):
    return M.multiply(_expand2(g_logdet), L.inv(op.inputs[0], adjoint=True))


@RegisterGradient("Cholesky")
def _cholesky(op, g):  # 0.5 * sym(L^-T Phi(L^T g) L^-1), Phi: lower part, halved diagonal
    lo = op.outputs[0]
    n = lo.shape[-1]
    l_inv = L.triangular_solve(lo, L.eye(n, batch_shape=lo.shape.as_list()[:-2],
                                         dtype=lo.dtype), lower=True)
    mid = M.matmul(lo, g, transpose_a=True)
    mid = L.set_diag(L.band_part(mid, -1, 0), M.multiply(L.diag_part(mid), 0.5))
    ga = M.matmul(M.matmul(l_inv, mid, transpose_a=True), l_inv)
    return M.multiply(M.add(ga, _mt(ga)), 0.5)


def _solve_matrix_grad(gb, x, adjoint):
    return M.negative(M.matmul(x, gb, transpose_b=True) if adjoint else
                      M.matmul(gb, x, transpose_b=True))


@RegisterGradient("MatrixSolve")
def _solve(op, g):
    a = op.inputs[0]
    adj = op.attrs["adjoint"]
    gb = L.solve(a, g, adjoint=not adj)
    return _solve_matrix_grad(gb, op.outputs[0], adj), gb


@RegisterGradient("MatrixTriangularSolve")
def _triangular_solve(op, g):
    a = op.inputs[0]
    lower, adj = op.attrs["lower"], op.attrs["adjoint"]
    gb = L.triangular_solve(a, g, lower=lower, adjoint=not adj)
    ga = _solve_matrix_grad(gb, op.outputs[0], adj)
    ga = L.band_part(ga, -1, 0) if lower else L.band_part(ga, 0, -1)
    return ga, gb


@RegisterGradient("MatrixDiag")
def _diag(op, g):
    return L.diag_part(g)


@RegisterGradient("MatrixDiagPart")
def _diag_part(op, g):
    return L.set_diag(A.zeros_like(op.inputs[0]), g)


@RegisterGradient("MatrixSetDiag")
def _set_diag(op, g):
    return L.set_diag(g, A.zeros_like(op.inputs[1])), L.diag_part(g)


@RegisterGradient("MatrixBandPart")
def _band_part(op, g):
    return L.band_part(g, op.attrs["lower"], op.attrs["upper"])


@RegisterGradient("Cross")
def _cross(op, g):
    a, b = op.inputs
    return L.cross(b, g), L.cross(g, a)


def _inv_gaps(vals):
    """F[i, j] = 1 / (vals[j] - vals[i]) off the diagonal; 0 where the gap is 0."""
    diff = M.subtract(A.expand_dims(vals, -2), A.expand_dims(vals, -1))
    zero = logic_ops.equal(diff, 0.0)
    return A.where(zero, A.zeros_like(diff), M.reciprocal(A.where(zero, A.ones_like(diff),
                                                                   diff)))


@RegisterGradient("Svd")
def _svd(op, gs, gu=None, gv=None):
    """Townsend's rule: U[(F o (U^T gU - gU^T U)) S + diag(gs) + S (F o (V^T gV - gV^T V))]V^T
    plus the projections of gU and gV off the column spaces (F_ij = 1/(s_j^2 - s_i^2))."""
    x = op.inputs[0]
    if op.attrs["compute_uv"]:
        s, u, v = op.outputs
    else:
        s, u, v = L.svd(x, full_matrices=False, compute_uv=True)
    k = gs.shape[-1]
    m, n = x.shape[-2], x.shape[-1]
    u, v = u[..., :, :k], v[..., :, :k]
    inner = L.diag(gs)
    if gu is not None:
        gu, gv = gu[..., :, :k], gv[..., :, :k]
        f = _inv_gaps(M.square(s))
        utgu = M.matmul(u, gu, transpose_a=True)
        vtgv = M.matmul(v, gv, transpose_a=True)
        j = M.multiply(f, M.subtract(utgu, _mt(utgu)))
        kk = M.multiply(f, M.subtract(vtgv, _mt(vtgv)))
        inner = M.add(inner, M.add(M.multiply(j, A.expand_dims(s, -2)),
                                   M.multiply(A.expand_dims(s, -1), kk)))
    ga = M.matmul(M.matmul(u, inner), v, transpose_b=True)
    if gu is None:
        return ga
    zero = logic_ops.equal(s, 0.0)  # rank-deficient: no finite projection term; use 0
    s_inv = A.expand_dims(A.where(zero, A.zeros_like(s),
                                  M.reciprocal(A.where(zero, A.ones_like(s), s))), -2)
    if m > k:  # (I - U U^T) gU S^-1 V^T
        pu = M.subtract(gu, M.matmul(u, M.matmul(u, gu, transpose_a=True)))
        ga = M.add(ga, M.matmul(M.multiply(pu, s_inv), v, transpose_b=True))
    if n > k:  # U S^-1 gV^T (I - V V^T)
        pv = M.subtract(gv, M.matmul(v, M.matmul(v, gv, transpose_a=True)))
        ga = M.add(ga, M.matmul(M.multiply(u, s_inv), pv, transpose_b=True))
    return ga


@RegisterGradient("SelfAdjointEigV2")
def _eigh(op, ge, gv):  # V (diag(ge) + F o (V^T gv)) V^T, F_ij = 1 / (e_j - e_i)
    e, v = op.outputs
    f = _inv_gaps(e)
    inner = M.add(L.diag(ge), M.multiply(f, M.matmul(v, gv, transpose_a=True)))
    ga = M.matmul(v, M.matmul(inner, v, transpose_b=True))
    return M.multiply(M.add(ga, _mt(ga)), 0.5)


@RegisterGradient("Pinv")
def _pinv(op, g):  # from dX = -X dA X + X X^T dA^T (I - A X) + (I - X A) dA^T X^T X
    a, x = op.inputs[0], op.outputs[0]
    m, n = a.shape[-2], a.shape[-1]
    t1 = M.negative(M.matmul(M.matmul(x, g, transpose_a=True), x, transpose_b=True))
    p = M.subtract(L.eye(m, dtype=a.dtype), M.matmul(a, x))
    q = M.subtract(L.eye(n, dtype=a.dtype), M.matmul(x, a))
    t2 = M.matmul(M.matmul(p, g, transpose_b=True), M.matmul(x, x, transpose_b=True))
    t3 = M.matmul(M.matmul(x, x, transpose_a=True), M.matmul(g, q, transpose_a=True))
    return M.add(M.add(t1, t2), t3)


@RegisterGradient("Qr")
def _qr(op, gq, gr):  # tall/square, reduced: (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q
    x = op.inputs[0]
    q, r = op.outputs
    m, n = x.shape[-2], x.shape[-1]
    if m < n or (op.attrs["full_matrices"] and m != n):
        raise NotImplementedError(
            f"QR gradient is implemented for matrices with rows >= cols and "
            f"full_matrices=False; got shape {x.shape.as_list()}, "
            f"full_matrices={op.attrs['full_matrices']}.")
    mm = M.subtract(M.matmul(r, gr, transpose_b=True), M.matmul(gq, q, transpose_a=True))
    low = L.band_part(mm, -1, 0)
    sym = M.add(low, _mt(L.band_part(mm, -1, 0) - L.band_part(mm, 0, 0)))
    b = M.add(gq, M.matmul(q, sym))
    return _mt(L.triangular_solve(r, _mt(b), lower=False))
