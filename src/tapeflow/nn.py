"""`tf.nn`: activations, losses with logits, convolutions, pooling, normalization.

>>> import tapeflow as tf
>>> tf.nn.relu([-1., 2.]).numpy()
array([0., 2.], dtype=float32)
"""
from .ops.conv_ops import (  # noqa: F401
    conv1d, conv1d_transpose, conv2d, conv2d_transpose, conv3d, conv3d_transpose,
    conv_transpose, convolution, depthwise_conv2d, separable_conv2d)
from .ops.math_ops import sigmoid, tanh  # noqa: F401
from .ops.nn_ops import (  # noqa: F401
    batch_normalization, bias_add, compute_average_loss, dropout, elu, embedding_lookup, gelu,
    l2_normalize, leaky_relu, log_poisson_loss, log_softmax, moments, relu, relu6,
    scale_regularization_loss, selu, sigmoid_cross_entropy_with_logits, silu, softmax,
    softmax_cross_entropy_with_logits, softplus, softsign,
    sparse_softmax_cross_entropy_with_logits, swish, weighted_cross_entropy_with_logits)
from .ops.nn_misc_ops import (  # noqa: F401
    atrous_conv2d, crelu, depth_to_space, l2_loss, local_response_normalization, lrn,
    normalize_moments, space_to_depth, weighted_moments, zero_fraction)
from .ops.pool_ops import (  # noqa: F401
    avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, max_pool, max_pool1d, max_pool2d, max_pool3d,
    pool)

from .ops.sort_ops import in_top_k, top_k  # noqa: F401 - tf.nn aliases of the sorting ops
