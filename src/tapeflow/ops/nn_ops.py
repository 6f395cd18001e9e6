"""`tf.nn` activations, softmax family, losses with logits and normalization.

Primitive ops (Relu, Softmax, ...) call one jax function and record
themselves; their gradient rules are in nn_grad.py. Ops that are short
formulas over existing ops (gelu, silu, cross-entropies, moments, ...) are
written with tapeflow ops, so their gradients (of any order) come for free.

>>> import tapeflow as tf
>>> tf.nn.relu6(tf.constant([-1., 3., 8.])).numpy()
array([0., 3., 6.], dtype=float32)
"""
import math

import jax
import jax.numpy as jnp

from ..framework.errors import invalid_argument
from ..framework.replica_state import replicas_in_sync
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from . import random_ops
from .shape_ops import one_hot
from .dispatch import (check_float, norm_axes, norm_axis, out, static_int_list, to_tensor,
                       unary, wrap)

__all__ = ["relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "leaky_relu", "softplus",
           "softsign", "softmax", "log_softmax", "erf", "dropout", "l2_normalize", "moments",
           "batch_normalization", "sigmoid_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
           "weighted_cross_entropy_with_logits", "log_poisson_loss", "bias_add",
           "embedding_lookup", "compute_average_loss", "scale_regularization_loss"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_unary(x, op_type):
    return check_float(unary(x), op_type)


# -- activations -----------------------------------------------------------------


def relu(features, name=None):
    """max(x, 0). `tf.nn.relu([-1., 2.])` -> [0., 2.]"""
    x = unary(features)
    return out(jnp.maximum(x._value, 0), "Relu", (x,))


def relu6(features, name=None):
    """min(max(x, 0), 6). `tf.nn.relu6([-1., 7.])` -> [0., 6.]"""
    x = unary(features)
    return out(jnp.clip(x._value, 0, 6), "Relu6", (x,))


def elu(features, name=None):
    """x if x > 0 else exp(x) - 1. `tf.nn.elu([-1.])` -> [-0.632]"""
    x = _float_unary(features, "Elu")
    v = x._value
    return out(jnp.where(v > 0, v, jnp.expm1(jnp.minimum(v, 0))), "Elu", (x,))


def selu(features, name=None):
    """scale * elu(x, alpha) with the self-normalizing constants."""
    x = _float_unary(features, "Selu")
    v = x._value
    neg = _SELU_ALPHA * jnp.expm1(jnp.minimum(v, 0))
    return out((_SELU_SCALE * jnp.where(v > 0, v, neg)).astype(v.dtype), "Selu", (x,))


def leaky_relu(features, alpha=0.2, name=None):
    """x if x > 0 else alpha * x. `tf.nn.leaky_relu([-1.])` -> [-0.2]"""
    x = unary(features)
    v = x._value
    return out(jnp.where(v > 0, v, (alpha * v).astype(v.dtype)), "LeakyRelu", (x,),
               {"alpha": float(alpha)})


def softplus(features, name=None):
    """log(exp(x) + 1), computed stably."""
    x = _float_unary(features, "Softplus")
    return out(jnp.logaddexp(x._value, 0).astype(x._value.dtype), "Softplus", (x,))


def softsign(features, name=None):
    """x / (|x| + 1)."""
    x = _float_unary(features, "Softsign")
    return out(x._value / (jnp.abs(x._value) + 1), "Softsign", (x,))


def erf(x, name=None):
    """The Gauss error function (used by the exact gelu)."""
    x = _float_unary(x, "Erf")
    return out(jax.scipy.special.erf(x._value), "NnErf", (x,))


def gelu(features, approximate=False, name=None):
    """x * Phi(x); `approximate=True` uses the tanh formula.

    >>> tf.nn.gelu(tf.constant([-1., 0., 1.])).numpy()
    array([-0.15865526,  0.        ,  0.8413447 ], dtype=float32)
    """
    x = _float_unary(features, "Gelu")
    if approximate:
        c = math.sqrt(2 / math.pi)
        inner = M.multiply(M.add(x, M.multiply(M.multiply(x, M.square(x)), 0.044715)), c)
        return M.multiply(M.multiply(x, 0.5), M.add(M.tanh(inner), 1.0))
    return M.multiply(M.multiply(x, 0.5), M.add(erf(M.multiply(x, 1 / math.sqrt(2))), 1.0))


def silu(features, beta=1.0, name=None):
    """x * sigmoid(beta * x) (`tf.nn.swish`)."""
    x = _float_unary(features, "Silu")
    bx = x if beta == 1.0 else M.multiply(x, beta)
    return M.multiply(x, M.sigmoid(bx))


swish = silu


def _softmax_axis(x, axis, op_type):
    if x.ndim == 0:
        raise invalid_argument("logits must have >= 1 dimension, got shape []", op_type)
    return norm_axis(axis, x.ndim, op_type)


def softmax(logits, axis=None, name=None):
    """exp(x) / sum(exp(x)) along `axis` (default -1).

    >>> tf.nn.softmax([0., 0.]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    x = _float_unary(logits, "Softmax")
    ax = _softmax_axis(x, -1 if axis is None else axis, "Softmax")
    return out(jax.nn.softmax(x._value, axis=ax), "Softmax", (x,), {"axis": ax})


def log_softmax(logits, axis=None, name=None):
    """x - logsumexp(x) along `axis` (default -1)."""
    x = _float_unary(logits, "LogSoftmax")
    ax = _softmax_axis(x, -1 if axis is None else axis, "LogSoftmax")
    return out(jax.nn.log_softmax(x._value, axis=ax), "LogSoftmax", (x,), {"axis": ax})


# -- dropout ------------------------------------------------------------------------


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes elements with probability `rate`, scales the rest by 1 / (1 - rate).

    >>> y = tf.nn.dropout(tf.ones([4, 4]), rate=0.5)  # entries are 0. or 2.
    """
    x = _float_unary(x, "Dropout")
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    rate_t = to_tensor(rate, dtype=x.dtype)
    shape = x.shape.as_list()
    if noise_shape is not None:
        if hasattr(noise_shape, "as_list"):
            ns = noise_shape.as_list()
        elif isinstance(noise_shape, (list, tuple)):
            ns = [None if v is None else int(v) for v in noise_shape]
        else:
            ns = static_int_list(noise_shape)
        shape = [d if s is None else s for s, d in zip(ns, shape)]
    noise = unary(random_ops.uniform(shape, dtype=x.dtype, seed=seed))
    keep = wrap(jnp.where(noise._value >= rate_t._value, 1 / (1 - rate_t._value), 0)
                .astype(x._value.dtype))
    return M.multiply(x, keep)


# -- normalization ------------------------------------------------------------------


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon)).

    >>> tf.nn.l2_normalize([3., 4.]).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    x = _float_unary(x, "L2Normalize")
    axis = dim if axis is None and dim is not None else axis
    axes = list(norm_axes(axis, x.ndim, "L2Normalize"))
    sq = M.reduce_sum(M.square(x), axis=axes, keepdims=True)
    return M.multiply(x, M.rsqrt(M.maximum(sq, epsilon)))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) of `x` over `axes`.

    >>> m, v = tf.nn.moments(tf.constant([1., 2., 3., 4.]), axes=[0])  # 2.5, 1.25
    """
    x = _float_unary(x, "Moments")
    ax = list(norm_axes(axes, x.ndim, "Moments"))
    mean = M.reduce_mean(x, axis=ax, keepdims=True)
    var = M.reduce_mean(M.squared_difference(x, A.stop_gradient(mean)), axis=ax,
                        keepdims=True)
    if not keepdims:
        mean, var = A.squeeze(mean, ax), A.squeeze(var, ax)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + eps) + offset (offset/scale may be None)."""
    x = _float_unary(x, "BatchNormalization")
    inv = M.rsqrt(M.add(to_tensor(variance, dtype=x.dtype), variance_epsilon))
    if scale is not None:
        inv = M.multiply(inv, to_tensor(scale, dtype=x.dtype))
    shift = M.negative(M.multiply(to_tensor(mean, dtype=x.dtype), inv))
    if offset is not None:
        shift = M.add(shift, to_tensor(offset, dtype=x.dtype))
    return M.add(M.multiply(x, inv), shift)


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel dim (last for NHWC, 1 for NC...).

    >>> tf.nn.bias_add(tf.zeros([2, 3]), [1., 2., 3.]).numpy()[0]
    array([1., 2., 3.], dtype=float32)
    """
    x = unary(value)
    b = to_tensor(bias, dtype=x.dtype)
    if b.ndim != 1:
        raise invalid_argument(f"Biases must be 1D: {b.shape.as_list()}", "BiasAdd")
    if x.ndim < 2:
        raise invalid_argument(f"Input tensor must be at least 2D: {x.shape.as_list()}",
                               "BiasAdd")
    cf = data_format is not None and data_format.startswith("NC")
    ch = 1 if cf else x.ndim - 1
    if x.shape[ch] != b.shape[0]:
        raise invalid_argument(f"Must provide as many biases as the channel dimension of the "
                               f"input tensor: {b.shape.as_list()} vs. {x.shape.as_list()}",
                               "BiasAdd")
    if cf:
        b = A.reshape(b, [-1] + [1] * (x.ndim - 2))
    return M.add(x, b)


# -- losses with logits ---------------------------------------------------------------


def _same_shape(labels, logits, op_type):
    if labels.shape != logits.shape:
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({logits.shape} vs {labels.shape}).")


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)) per element (x: logits, z: labels)."""
    x = _float_unary(logits, "SigmoidCrossEntropyWithLogits")
    z = to_tensor(labels, dtype=x.dtype)
    _same_shape(z, x, "SigmoidCrossEntropyWithLogits")
    return out(jnp.maximum(x._value, 0) - x._value * z._value
               + jnp.log1p(jnp.exp(-jnp.abs(x._value))),
               "SigmoidCrossEntropyWithLogits", (z, x))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits), axis): one loss per example."""
    x = _float_unary(logits, "SoftmaxCrossEntropyWithLogits")
    z = to_tensor(labels, dtype=x.dtype)
    if z.shape != x.shape:
        raise invalid_argument(f"logits and labels must be broadcastable: logits_size="
                               f"{x.shape.as_list()} labels_size={z.shape.as_list()}",
                               "SoftmaxCrossEntropyWithLogits")
    ax = _softmax_axis(x, axis, "SoftmaxCrossEntropyWithLogits")
    return M.negative(M.reduce_sum(M.multiply(z, log_softmax(x, axis=ax)), axis=ax))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Softmax cross-entropy with integer class `labels` of shape logits.shape[:-1].

    >>> tf.nn.sparse_softmax_cross_entropy_with_logits([0], [[0., 0.]]).numpy()
    array([0.6931472], dtype=float32)
    """
    x = _float_unary(logits, "SparseSoftmaxCrossEntropyWithLogits")
    z = unary(labels)
    op = "SparseSoftmaxCrossEntropyWithLogits"
    if not z.dtype.is_integer:
        raise invalid_argument(f"labels must be an integer tensor, got {z.dtype.name}", op)
    if x.ndim < 1 or z.shape.as_list() != x.shape.as_list()[:-1]:
        raise invalid_argument(f"labels shape must equal logits shape except for the last "
                               f"dimension. Received: labels_shape={z.shape.as_list()} and "
                               f"logits_shape={x.shape.as_list()}", op)
    n = x.shape[-1]
    zv = z._value
    if not isinstance(zv, jax.core.Tracer) and zv.size:
        lo, hi = int(jnp.min(zv)), int(jnp.max(zv))
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise invalid_argument(f"Received a label value of {bad} which is outside the "
                                   f"valid range of [0, {n}).", op)
    hot = one_hot(z, n, dtype=x.dtype)
    return M.negative(M.reduce_sum(M.multiply(hot, log_softmax(x)), axis=-1))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy where positive labels are weighted by `pos_weight`."""
    x = _float_unary(logits, "WeightedCrossEntropyWithLogits")
    z = to_tensor(labels, dtype=x.dtype)
    _same_shape(z, x, "WeightedCrossEntropyWithLogits")
    q = to_tensor(pos_weight, dtype=x.dtype)
    log_w = M.add(M.multiply(M.subtract(q, 1.0), z), 1.0)
    soft = M.add(M.log1p(M.exp(M.negative(M.abs(x)))), relu(M.negative(x)))
    return M.add(M.multiply(M.subtract(1.0, z), x), M.multiply(log_w, soft))


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(c) - z * c, plus Stirling's term z log z - z + 0.5 log(2 pi z) when full."""
    c = _float_unary(log_input, "LogPoissonLoss")
    z = to_tensor(targets, dtype=c.dtype)
    _same_shape(z, c, "LogPoissonLoss")
    loss = M.subtract(M.exp(c), M.multiply(z, c))
    if not compute_full_loss:
        return loss
    safe = A.where(logic_ops.greater(z, 1.0), z, A.ones_like(z))
    stirling = M.add(M.subtract(M.multiply(safe, M.log(safe)), safe),
                     M.multiply(M.log(M.multiply(safe, 2 * math.pi)), 0.5))
    return M.add(loss, A.where(logic_ops.greater(z, 1.0), stirling, A.zeros_like(z)))


# -- embeddings and distributed-loss helpers ---------------------------------------------


def gather_rows(params, ids):
    """params[ids] along axis 0 (the primitive behind embedding_lookup)."""
    p = unary(params)
    i = unary(ids)
    if not i.dtype.is_integer:
        raise invalid_argument(f"ids must be an integer tensor, got {i.dtype.name}",
                               "GatherV2")
    iv = i._value
    if not isinstance(iv, jax.core.Tracer) and iv.size:
        lo, hi = int(jnp.min(iv)), int(jnp.max(iv))
        if lo < 0 or hi >= p.shape[0]:
            raise invalid_argument(f"indices = {lo if lo < 0 else hi} is not in "
                                   f"[0, {p.shape[0]})", "GatherV2")
    return out(jnp.take(p._value, iv, axis=0), "NnGatherRows", (p, i))


def scatter_rows(updates, ids, num_rows):
    """Sums `updates` into a zero tensor of `num_rows` rows at `ids` (gather's gradient)."""
    u = unary(updates)
    i = unary(ids)
    z = jnp.zeros((num_rows,) + tuple(u.shape.as_list()[i.ndim:]), u._value.dtype)
    return out(z.at[i._value].add(u._value), "NnScatterRows", (u, i), {"n": num_rows})


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of `params` selected by integer `ids` (output: ids.shape + row shape).

    >>> tf.nn.embedding_lookup(tf.constant([[1.], [2.], [3.]]), [2, 0]).numpy()
    array([[3.],
           [1.]], dtype=float32)
    """
    if isinstance(params, (list, tuple)):
        params = params[0] if len(params) == 1 else A.concat(list(params), axis=0)
    rows = gather_rows(params, ids)
    if max_norm is not None:
        axes = list(range(unary(ids).ndim, rows.ndim))
        norm = M.sqrt(M.reduce_sum(M.square(rows), axis=axes, keepdims=True))
        rows = M.multiply(rows, M.minimum(M.realdiv(max_norm, M.maximum(norm, 1e-30)), 1.0))
    return rows


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """sum(per_example_loss * sample_weight) / global_batch_size (default: batch size).

    >>> tf.nn.compute_average_loss([1., 2., 3., 4.]).numpy()
    2.5
    """
    loss = unary(per_example_loss)
    if not loss.dtype.is_floating:
        raise TypeError(f"per_example_loss must be a float tensor, got {loss.dtype.name}")
    if sample_weight is not None:
        loss = M.multiply(loss, to_tensor(sample_weight, dtype=loss.dtype))
    if global_batch_size is None:  # the per-replica batch times the replicas in sync
        global_batch_size = (loss.shape[0] if loss.ndim else 1) * replicas_in_sync()
    total = M.reduce_sum(loss)
    n = M.cast(to_tensor(global_batch_size), loss.dtype)
    return A.where(logic_ops.equal(n, 0.0), A.zeros_like(total), M.realdiv(total, n))


def scale_regularization_loss(regularization_loss):
    """Sum of the regularization losses divided by the replicas in sync (1 outside run)."""
    if isinstance(regularization_loss, (list, tuple)):
        total = M.add_n(list(regularization_loss))
    else:
        total = unary(regularization_loss)
    n = replicas_in_sync()
    return total if n == 1 else M.realdiv(total, M.cast(to_tensor(n), total.dtype))
