"""Gradient rules of nn_ops, written with tapeflow ops (so they nest)."""
import math

from ..framework.gradient_registry import RegisterGradient
from . import array_ops as A
from . import logic_ops
from . import math_ops as M
from . import nn_ops as N


def _mask(cond, g):
    return A.where(cond, g, A.zeros_like(g))


@RegisterGradient("Relu")
def _relu(op, g):
    return _mask(logic_ops.greater(op.outputs[0], 0), g)


@RegisterGradient("Relu6")
def _relu6(op, g):
    x = op.inputs[0]
    return _mask(logic_ops.logical_and(logic_ops.greater(x, 0), logic_ops.less(x, 6)), g)


@RegisterGradient("Elu")
def _elu(op, g):  # 1 for x > 0, else y + 1 = exp(x)
    x, y = op.inputs[0], op.outputs[0]
    return A.where(logic_ops.greater(x, 0), g, M.multiply(g, M.add(y, 1.0)))


@RegisterGradient("Selu")
def _selu(op, g):  # scale for x > 0, else y + scale * alpha
    x, y = op.inputs[0], op.outputs[0]
    neg = M.multiply(g, M.add(y, N._SELU_SCALE * N._SELU_ALPHA))
    return A.where(logic_ops.greater(x, 0), M.multiply(g, N._SELU_SCALE), neg)


@RegisterGradient("LeakyRelu")
def _leaky_relu(op, g):
    x = op.inputs[0]
    return A.where(logic_ops.greater(x, 0), g, M.multiply(g, op.attrs["alpha"]))


@RegisterGradient("Softplus")
def _softplus(op, g):  # sigmoid(x)
    return M.multiply(g, M.sigmoid(op.inputs[0]))


@RegisterGradient("Softsign")
def _softsign(op, g):  # 1 / (1 + |x|)^2
    return M.realdiv(g, M.square(M.add(M.abs(op.inputs[0]), 1.0)))


@RegisterGradient("NnErf")
def _erf(op, g):  # 2 / sqrt(pi) * exp(-x^2)
    x = op.inputs[0]
    return M.multiply(g, M.multiply(M.exp(M.negative(M.square(x))), 2 / math.sqrt(math.pi)))


@RegisterGradient("Softmax")
def _softmax(op, g):  # y * (g - sum(g * y))
    y = op.outputs[0]
    ax = op.attrs["axis"]
    inner = M.reduce_sum(M.multiply(g, y), axis=ax, keepdims=True)
    return M.multiply(y, M.subtract(g, inner))


@RegisterGradient("LogSoftmax")
def _log_softmax(op, g):  # g - softmax * sum(g)
    ax = op.attrs["axis"]
    sm = M.exp(op.outputs[0])
    return M.subtract(g, M.multiply(sm, M.reduce_sum(g, axis=ax, keepdims=True)))


@RegisterGradient("SigmoidCrossEntropyWithLogits")
def _sigmoid_ce(op, g):  # d/dx = sigmoid(x) - z ; d/dz = -x
    z, x = op.inputs
    return M.negative(M.multiply(g, x)), M.multiply(g, M.subtract(M.sigmoid(x), z))


@RegisterGradient("NnGatherRows")
def _gather_rows(op, g):
    p, i = op.inputs
    return N.scatter_rows(g, i, p.shape[0]), None


@RegisterGradient("NnScatterRows")
def _scatter_rows(op, g):
    return N.gather_rows(g, op.inputs[1]), None
