"""`tf.linalg`: matrix ops (inverse, decompositions, solves, norms)."""
from .ops.math_ops import matmul  # noqa: F401
