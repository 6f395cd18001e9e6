"""Imports every *_grad module so all gradient rules are registered."""
from . import array_grad, math_grad  # noqa: F401
from . import conv_grad, linalg_grad, nn_grad  # noqa: F401 - tf.nn and tf.linalg
from . import gather_grad, layout_grad  # noqa: F401
from . import einsum_grad, elementwise_grad, reduction_grad, segment_grad, sort_grad  # noqa: F401,E501 - tf.math
