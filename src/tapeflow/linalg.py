"""`tf.linalg`: matrix ops (inverse, decompositions, solves, norms).

>>> import tapeflow as tf
>>> float(tf.linalg.trace(tf.eye(3)))
3.0
"""
from . import math as _tf_math
from .ops.linalg_ops import (  # noqa: F401
    adjoint, band_part, cholesky, cholesky_solve, cross, det, diag, diag_part, eigh, eigvalsh,
    eye, inv, logdet, lstsq, matrix_rank, matrix_transpose, matvec, norm, normalize, pinv,
    qr, set_diag, slogdet, solve, svd, trace, triangular_solve)
from .ops.math_ops import matmul  # noqa: F401
from .ops.nn_ops import l2_normalize  # noqa: F401

for _name in ("einsum", "tensordot", "global_norm"):  # re-exported when tf.math provides them
    if hasattr(_tf_math, _name):
        globals()[_name] = getattr(_tf_math, _name)
del _name
